"""The entities Telegram's server detects in a plain message text (commands, mentions, links).

Offsets and lengths count UTF-16 code units, as Telegram does. Detected: bot commands
(``/cmd`` or ``/cmd@bot`` at any position), ``@username`` mentions (4-32 characters) and
URLs (``http(s)://...`` and bare ``t.me/...`` / ``telegram.me/...`` links). Not detected:
hashtags, cashtags, e-mails, phone numbers and bare domains such as ``example.com``.
"""

from __future__ import annotations

import re
from typing import Any

from telethon.tl import types

_BEFORE = r"(?<![\w/<>])"  # not glued to a word, a slash or an angle bracket
_AFTER = r"(?![\w/<>])"
_URL = re.compile(
    r"(?<![\w@/.])(?:(?:https?://)[^\s<>\"]+|(?:t|telegram)\.me/[^\s<>\"]+)", re.IGNORECASE
)
_COMMAND = re.compile(_BEFORE + r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?" + _AFTER)
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{4,32}(?![\w@])")
_TRAILING = ".,;:!?'\")]}"
_WHOLE_URL = re.compile(r"https?://\w[^/\s]*(?:/.*)?|(?:t|telegram)\.me/\w.*", re.IGNORECASE)
_OTHERS = ((_COMMAND, types.MessageEntityBotCommand), (_MENTION, types.MessageEntityMention))


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _spans(text: str) -> list[tuple[int, int, type]]:
    """(start, end, entity class) in Python string indices, earliest first, never overlapping."""
    found: list[tuple[int, int, type]] = []
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _TRAILING:
            end -= 1
        if _WHOLE_URL.fullmatch(text[m.start() : end]):
            found.append((m.start(), end, types.MessageEntityUrl))
    for pattern, kind in _OTHERS:
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), kind))
    return sorted(found, key=lambda span: span[0])


def detect_entities(text: str) -> list[Any]:
    """The ``MessageEntity*`` objects Telegram attaches to ``text`` (UTF-16 offsets)."""
    out: list[Any] = []
    for start, end, kind in _spans(text):
        offset = _utf16(text[:start])
        out.append(kind(offset=offset, length=_utf16(text[start:end])))
    return out
