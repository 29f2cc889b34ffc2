"""The inline keyboards the bot shows."""

from __future__ import annotations

from typing import Any

from telethon import Button

from gatekeeper.domain.callbacks import NoticeButtons
from gatekeeper.domain.keyboard import Button as Described
from gatekeeper.domain.keyboard import Keyboard


def notice_buttons(buttons: NoticeButtons) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for channel, label in zip(buttons.channels, buttons.join_labels, strict=True):
        url = channel.join_url
        if url:
            rows.append([Button.url(label, url)])
    rows.append([Button.inline(buttons.verify_label, buttons.verify_data)])
    return rows


def _button(button: Described) -> Any:
    if button.url is not None:
        return Button.url(button.text, button.url)
    return Button.inline(button.text, button.data)


def inline(keyboard: Keyboard) -> list[list[Any]] | None:
    """Telegram's buttons for a keyboard described in the domain (None: no keyboard)."""
    return [[_button(b) for b in row] for row in keyboard] or None
