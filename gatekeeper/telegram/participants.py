"""Reading Telegram's participant objects once, into plain facts (aiogram-style transitions)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telethon import types

from gatekeeper.domain.model import BannedRights
from gatekeeper.domain.standing import NOT_MEMBER as NOT_MEMBER
from gatekeeper.domain.standing import Standing as Standing

_RIGHT_FLAGS = (
    "view_messages",
    "send_messages",
    "send_media",
    "send_stickers",
    "send_gifs",
    "send_games",
    "send_inline",
    "embed_links",
    "send_polls",
    "change_info",
    "invite_users",
    "pin_messages",
    "manage_topics",
    "send_photos",
    "send_videos",
    "send_roundvideos",
    "send_audios",
    "send_voices",
    "send_docs",
    "send_plain",
)


def banned_rights_of(rights: Any) -> BannedRights:
    if rights is None:
        return BannedRights()
    flags = frozenset(name for name in _RIGHT_FLAGS if getattr(rights, name, False))
    until = rights.until_date
    until_ts = int(until.timestamp()) if isinstance(until, datetime) else None
    if until_ts is not None and until_ts <= 0:
        until_ts = None
    return BannedRights(flags, until_ts)


def to_chat_banned_rights(rights: BannedRights) -> types.ChatBannedRights:
    until = datetime.fromtimestamp(rights.until, tz=UTC) if rights.until else None
    return types.ChatBannedRights(until_date=until, **{name: True for name in rights.flags})


def standing_of(participant: Any) -> Standing:
    """A Standing from a ChannelParticipant* object (None means not a participant)."""
    if participant is None or isinstance(participant, types.ChannelParticipantLeft):
        return NOT_MEMBER
    if isinstance(participant, types.ChannelParticipantCreator):
        return Standing(True, True, can_ban=True, can_delete=True, can_invite=True)
    if isinstance(participant, types.ChannelParticipantAdmin):
        rights = participant.admin_rights
        return Standing(
            True,
            True,
            can_ban=bool(rights.ban_users),
            can_delete=bool(rights.delete_messages),
            can_invite=bool(rights.invite_users),
        )
    if isinstance(participant, types.ChannelParticipantBanned):
        banned = banned_rights_of(participant.banned_rights)
        # Telegram keeps the rights of a restricted member who left, for when they return.
        is_member = not participant.left and "view_messages" not in banned.flags
        return Standing(is_member, rights=banned, restricted_by=participant.kicked_by)
    return Standing(True)
