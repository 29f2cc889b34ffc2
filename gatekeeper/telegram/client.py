"""Building the real TelegramClient from settings."""

from __future__ import annotations

from telethon import TelegramClient

from gatekeeper.settings import Settings


def build_client(settings: Settings) -> TelegramClient:
    if settings.api_id is None or settings.api_hash is None:
        raise ValueError("api_id and api_hash are needed to build a client")
    settings.sessions_dir.mkdir(parents=True, exist_ok=True)
    return TelegramClient(
        str(settings.session_path),
        settings.api_id,
        settings.api_hash.get_secret_value(),
        catch_up=True,
        flood_sleep_threshold=0,  # our own limiter owns flood waits
        receive_updates=True,
    )
