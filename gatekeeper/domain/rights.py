"""Muting as a change of banned rights that can be undone exactly."""

from __future__ import annotations

from gatekeeper.domain.model import BannedRights

# Telegram's ChatBannedRights flags that stop a member from writing anything.
MUTE_FLAGS = frozenset(
    {
        "send_messages",
        "send_media",
        "send_stickers",
        "send_gifs",
        "send_games",
        "send_inline",
        "send_polls",
        "send_plain",
        "send_photos",
        "send_videos",
        "send_roundvideos",
        "send_audios",
        "send_voices",
        "send_docs",
        "embed_links",
    }
)


UNTIL_MARGIN = 30  # Telegram reads an until_date closer than this as "forever"


def is_muted(rights: BannedRights) -> bool:
    return "send_messages" in rights.flags or "view_messages" in rights.flags


def muted(previous: BannedRights) -> BannedRights:
    """The rights of a muted member: what they had, plus no writing, for as long as it takes."""
    return BannedRights(flags=previous.flags | MUTE_FLAGS, until=None)


def current(rights: BannedRights, now: float) -> BannedRights:
    """Rights as they will stand from now on: a restriction about to expire is none."""
    if rights.until is not None and rights.until <= now + UNTIL_MARGIN:
        return BannedRights()
    return rights
