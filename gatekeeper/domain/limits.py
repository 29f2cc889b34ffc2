"""Telegram's limits on what the bot sends, and fitting words into them."""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.domain.i18n import ENGLISH, Texts

MESSAGE_MAX = 4096  # characters of a message's text, after entities are parsed
CALLBACK_ANSWER_MAX = 200  # characters of the answer to a button press
ELLIPSIS = "…"


def length(text: str) -> int:
    """Telegram counts text in UTF-16 code units, as its entity offsets do."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit`, else cut short with an ellipsis."""
    if length(text) <= limit:
        return text
    cut = text
    while cut and length(cut) > limit - 1:
        cut = cut[: max(0, len(cut) - max(1, (length(cut) - limit + 1) // 2))]
    return cut.rstrip() + ELLIPSIS


def listing(items: Sequence[str], budget: int, t: Texts = ENGLISH) -> str:
    """`items` joined ("a, b, c"), within `budget`: as many as fit, then "and 3 more"."""
    full = ", ".join(items)
    if length(full) <= budget or len(items) <= 1:
        return clip(full, budget)

    def more(count: int) -> str:
        return t.tr_n(" and {count} more", " and {count} more", count)

    for shown in range(len(items) - 1, 0, -1):
        text = ", ".join(items[:shown]) + more(len(items) - shown)
        if length(text) <= budget:
            return text
    suffix = more(len(items) - 1)
    return clip(items[0], max(1, budget - length(suffix))) + suffix
