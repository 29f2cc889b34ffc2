"""Telegram's word that a message cannot go, however it phrases it.

Telegram moves an error between 400, 403 and 406 from one layer to the next (TOPIC_CLOSED and
TOPIC_DELETED have been both), and Telethon gives a class of its own only to the messages it
knows. So a refusal is told by its code, not by a list of classes.
"""

from __future__ import annotations

import re

from telethon import errors

REFUSAL_CODES = frozenset({400, 403, 406})

# The message a reply was to (a topic, a post's copy in a discussion group) is gone: the text
# can still go without the reply.
REPLY_GONE = frozenset(
    {"TOPIC_DELETED", "REPLY_MESSAGE_ID_INVALID", "REPLY_TO_INVALID", "MSG_ID_INVALID"}
)


_BASES = {cls for cls in vars(errors.rpcbaseerrors).values() if isinstance(cls, type)}


def error_name(error: errors.RPCError) -> str:
    """Telegram's name for an error ("TOPIC_DELETED"): its own message when Telethon does not
    know it, else spelled from the class Telethon made for it (TopicDeletedError)."""
    if type(error) in _BASES:
        return str(error.message)
    words = re.findall(r"[A-Z][a-z0-9]*", type(error).__name__.removesuffix("Error"))
    return "_".join(words).upper()


def refusal(error: BaseException) -> str | None:
    """Telegram's reason when `error` says a message may not be sent (None otherwise: flood
    waits, server errors and a lost login are not refusals)."""
    if isinstance(error, errors.RPCError) and error.code in REFUSAL_CODES:
        return error_name(error)
    return None


def reply_gone(error: BaseException) -> bool:
    return refusal(error) in REPLY_GONE
