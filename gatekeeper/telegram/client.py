"""Building the real TelegramClient from settings."""

from __future__ import annotations

from typing import Any

from telethon import TelegramClient

from gatekeeper.settings import Settings


def client_options() -> dict[str, Any]:
    """How every Gatekeeper client is configured, real or simulated."""
    return {
        "catch_up": True,  # fetch what was missed while offline (needs a session file)
        "flood_sleep_threshold": 0,  # our gateway owns flood waits
        "receive_updates": True,
    }


def build_client(settings: Settings) -> TelegramClient:
    if settings.api_id is None or settings.api_hash is None:
        raise ValueError("api_id and api_hash are needed to build a client")
    settings.sessions_dir.mkdir(parents=True, exist_ok=True)
    return TelegramClient(
        str(settings.session_path),
        settings.api_id,
        settings.api_hash.get_secret_value(),
        **client_options(),
    )
