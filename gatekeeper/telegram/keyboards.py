"""The inline keyboards the bot shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telethon import Button

from gatekeeper.domain.model import Channel


def notice_buttons(channels: Sequence[Channel], verify_data: bytes) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for channel in channels:
        url = channel.join_url
        if url:
            rows.append([Button.url(f"Join {channel.title}", url)])
    rows.append([Button.inline("✅ I have joined", verify_data)])
    return rows
