"""Facts about a message that the handlers read: who is named, which thread, a forward."""

from __future__ import annotations

from typing import Any

from telethon import types


def first_name(message: Any) -> str | None:
    sender = getattr(message, "sender", None)
    name = getattr(sender, "first_name", None)
    return str(name) if name else None


def thread_of(message: Any, discussion: bool) -> int | None:
    """Where the bot answers a member: the forum topic they wrote in, or in a discussion
    group the post they commented under (its forward); None for General or the main chat."""
    reply = getattr(message, "reply_to", None)
    if not isinstance(reply, types.MessageReplyHeader):
        return None
    if not (reply.forum_topic or discussion):
        return None
    top = reply.reply_to_top_id or reply.reply_to_msg_id
    return int(top) if top else None


def automatic_forward(message: Any) -> bool:
    """A channel's post that Telegram itself forwarded into its discussion group."""
    forward = getattr(message, "fwd_from", None)
    saved = getattr(forward, "saved_from_peer", None)
    return saved is not None and saved == message.from_id
