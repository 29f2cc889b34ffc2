"""Who may be muted and which mutes the bot may lift: the rules that need Telegram's word.

The services ask Telegram where a member stands; these functions decide what that means.
"""

from __future__ import annotations

from enum import StrEnum

from gatekeeper.domain.rights import current, is_muted
from gatekeeper.domain.standing import Standing


class MuteCall(StrEnum):
    """What to do with a member the policy wants muted, given where they stand now."""

    MUTE = "mute"
    SPARE_ADMIN = "spare_admin"  # the creator or an admin: never muted
    SPARE_BOT = "spare_bot"  # bots are never muted
    GONE = "gone"  # no longer in the group: nothing to mute
    NOT_OURS = "not_ours"  # already restricted by an admin: their decision stands

    @property
    def spared(self) -> bool:
        """The member's message stays (an admin or a bot wrote it)."""
        return self in (MuteCall.SPARE_ADMIN, MuteCall.SPARE_BOT)


def judge_mute(standing: Standing, now: float, *, discussion_group: bool = False) -> MuteCall:
    """In a channel's discussion group a mute binds non-members too (they may comment on its
    posts, and Telegram restricts them): only someone banned outright is out of reach."""
    if standing.is_admin:
        return MuteCall.SPARE_ADMIN
    if standing.is_bot:
        return MuteCall.SPARE_BOT
    guest = discussion_group and "view_messages" not in standing.rights.flags
    if not (standing.is_member or guest):
        return MuteCall.GONE
    if is_muted(current(standing.rights, now)):
        return MuteCall.NOT_OURS
    return MuteCall.MUTE


def may_lift(standing: Standing, bot_id: int) -> bool:
    """Whether a mute the bot recorded is still the bot's to lift.

    Telegram names who set a member's current restriction (kicked_by): if that is no longer
    the bot, or the member was banned outright, someone else decided, and that decision stands.
    """
    return standing.restricted_by == bot_id and "view_messages" not in standing.rights.flags


def taken_over(
    *,
    actor_id: int | None,
    user_id: int,
    bot_id: int,
    after: Standing,
    rights_touched: bool,
) -> bool:
    """Whether a participant update shows an admin took over a mute the bot imposed.

    Promoting the member, or changing their restriction by hand, replaces the bot's decision:
    the bot forgets its mute and never lifts what the admin set. Changes by the bot itself or
    by the member (leaving, coming back) do not.
    """
    if actor_id in (bot_id, user_id):
        return False
    return after.is_admin or (rights_touched and after.restricted_by != bot_id)


def may_configure(standing: Standing) -> bool:
    """Who may give the bot commands in a group: its creator or an admin with the right to ban
    (anonymous admins, posting as the group, may too; the adapter recognises them)."""
    return standing.is_admin and standing.can_ban
