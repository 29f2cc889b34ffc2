"""Messages the bot owes and Telegram's message budget made wait: notices to members, kept
across a stop or a crash, and whether each is still worth sending when its turn comes.
Pure decisions, tested as tables."""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.domain.model import Channel, ChatId, Restriction, UserId
from gatekeeper.domain.reconcile import MutedCall, muted_call
from gatekeeper.domain.standing import Standing


@dataclass(frozen=True, slots=True)
class OwedNotice:
    """A member to be told once the group's budget allows."""

    group_id: ChatId
    user_id: UserId
    name: str | None
    channels: tuple[Channel, ...]
    ttl: float
    thread: int | None = None  # a discussion group's post they commented under
    any_of: bool = False  # one of the channels is enough
    muted: bool = True  # it tells of the bot's mute (not of a warning without one)


def still_owed(notice: OwedNotice, restriction: Restriction | None) -> bool:
    """From the bot's own records: a notice of a mute goes while that mute stands and no
    notice has told of it since; a warning goes regardless."""
    if not notice.muted:
        return True
    return restriction is not None and restriction.notice_message_id is None


def owed_after_restart(
    notice: OwedNotice, restriction: Restriction | None, member: Standing | None, bot_id: int
) -> bool:
    """A notice a previous run left, with where the member stands now (None: Telegram knows
    them no more): dropped if they left, were promoted, or an admin took the mute over."""
    if member is None or not member.is_member or member.is_admin:
        return False
    if notice.muted and muted_call(member, bot_id) is not MutedCall.RECHECK:
        return False
    return still_owed(notice, restriction)
