"""Reconciliation: what to do with each thing the bot recorded, given where Telegram says it
stands now (after a restart, and periodically). Pure decisions, tested as tables."""

from __future__ import annotations

from enum import StrEnum

from gatekeeper.domain.safety import may_lift
from gatekeeper.domain.standing import Standing


class MutedCall(StrEnum):
    """A member the bot has on record as muted."""

    RECHECK = "recheck"  # still the bot's mute: release them if they are subscribed now
    FORGET = "forget"  # left, promoted, or an admin took over: drop the record and its notice


class LinkCall(StrEnum):
    """A channel a group requires, from the bot's own standing there."""

    KEEP = "keep"
    BREAK = "break"  # the bot lost its admin rights there (or the channel): punish nobody for it
    HEAL = "heal"  # the bot can check it again


def muted_call(
    standing: Standing | None, bot_id: int, *, discussion_group: bool = False
) -> MutedCall:
    """``standing`` None: Telegram knows nothing of the member any more. In a channel's
    discussion group a mute binds non-members too (they comment on its posts): one who is no
    member, or left, is still the bot's to keep, as `judge_mute` imposed it."""
    if standing is None or standing.is_admin:
        return MutedCall.FORGET
    if not (standing.is_member or discussion_group):
        return MutedCall.FORGET
    return MutedCall.RECHECK if may_lift(standing, bot_id) else MutedCall.FORGET


def link_call(bot_standing: Standing | None, healthy: bool) -> LinkCall:
    """``bot_standing`` None: the bot cannot see into the channel at all."""
    can_check = bot_standing is not None and bot_standing.is_admin
    if can_check and not healthy:
        return LinkCall.HEAL
    if not can_check and healthy:
        return LinkCall.BREAK
    return LinkCall.KEEP


def due(last: float | None, now: float, interval: float) -> bool:
    """Whether a pass is due: never run yet, or ``interval`` seconds since the last (0: never
    again after the first)."""
    if last is None:
        return True
    return interval > 0 and now - last >= interval
