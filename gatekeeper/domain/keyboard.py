"""Inline keyboards, described: rows of buttons that open a link or send data back (the
adapter builds Telegram's buttons). Data is at most 64 bytes and untrusted when it comes back."""

from __future__ import annotations

from dataclasses import dataclass

DATA_MAX = 64  # bytes of a callback button's data (Telegram)


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: bytes | None = None  # a callback button
    url: str | None = None  # a link button

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button either sends data or opens a link")
        if self.data is not None and len(self.data) > DATA_MAX:
            raise ValueError(f"button data over {DATA_MAX} bytes")


Keyboard = tuple[tuple[Button, ...], ...]


def deep_link(bot_username: str, payload: str) -> str:
    """A link that opens the private chat with the bot and sends /start <payload>."""
    return f"https://t.me/{bot_username}?start={payload}"
