"""Whom an update is about: the members a handler owes a look at, should a shutdown cut it
short (the update is taken, so Telegram will not send it again; the member is re-checked at
the next start instead)."""

from __future__ import annotations

from typing import Any

from telethon import events, types, utils


def owed(event: Any) -> list[tuple[int, int]]:
    """(chat id, user id) pairs: a message's or a press's author, who joined, whose
    participation changed. Nothing for updates about no one in particular."""
    if isinstance(event, types.UpdateChannelParticipant):
        chat_id = int(utils.get_peer_id(types.PeerChannel(event.channel_id)))
        return [(chat_id, int(event.user_id))]
    if isinstance(event, events.ChatAction.Event):
        return [(int(event.chat_id), int(user_id)) for user_id in event.user_ids or ()]
    if isinstance(event, events.NewMessage.Event | events.CallbackQuery.Event):
        chat_id, sender_id = event.chat_id, event.sender_id
        if chat_id is not None and sender_id is not None and sender_id > 0:
            return [(int(chat_id), int(sender_id))]
    return []
