"""The inline keyboards the bot shows."""

from __future__ import annotations

from typing import Any

from telethon import Button

from gatekeeper.domain.callbacks import NoticeButtons


def notice_buttons(buttons: NoticeButtons) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for channel, label in zip(buttons.channels, buttons.join_labels, strict=True):
        url = channel.join_url
        if url:
            rows.append([Button.url(label, url)])
    rows.append([Button.inline(buttons.verify_label, buttons.verify_data)])
    return rows
