"""People and channels named in a notice: escaped for HTML and isolated, so that no name can
break the notice or reorder the text around it."""

from __future__ import annotations

import html
import unicodedata

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
NAME_MAX = 64  # Telegram's limit on a first name


def isolated(name: str, fallback: str = "Hello") -> str:
    """A name that cannot reorder the text around it (a right-to-left name, or one with
    direction controls of its own), HTML-escaped for the parse mode notices use. A name with
    nothing to show is said as `fallback` (a greeting in the reader's language)."""
    plain = name.translate(_BIDI_CONTROLS).strip()[:NAME_MAX]
    if not any(unicodedata.category(ch)[0] not in "CZ" for ch in plain):
        plain = fallback  # nothing that shows: only spaces, marks or format characters
    return html.escape(FSI + plain + PDI, quote=False)


def isolated_plain(name: str, fallback: str = "Hello") -> str:
    """A name that cannot reorder the text around it (a right-to-left name, or one with
    direction controls or line breaks of its own), for plain text."""
    plain = " ".join(name.translate(_BIDI_CONTROLS).split())[:NAME_MAX] or fallback
    return FSI + plain + PDI


def mention(user_id: int, name: str | None, fallback: str = "Hello") -> str:
    """An HTML mention of a user that notifies them, whatever their name holds."""
    return f'<a href="tg://user?id={int(user_id)}">{isolated(name or "", fallback)}</a>'
