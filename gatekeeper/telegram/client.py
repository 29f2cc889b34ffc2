"""Building the real TelegramClient from settings, and keeping its session file private."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from telethon import TelegramClient
from telethon.sessions import SQLiteSession

from gatekeeper.settings import Settings

SESSION_MODE = 0o600  # the session holds the bot's login (its auth key): for its owner only


class SessionFileError(Exception):
    """The session file cannot be used; str() names it and says what to do."""


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
    settings.sessions_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = settings.session_path
    path.touch(mode=SESSION_MODE, exist_ok=True)
    os.chmod(path, SESSION_MODE)
    try:
        session = SQLiteSession(str(path))
    except sqlite3.DatabaseError as error:
        raise SessionFileError(
            f"{path} is not a usable Telethon session file ({error}). Move it away: the bot "
            "then logs in again with its token (updates missed meanwhile are not caught up)."
        ) from None
    return TelegramClient(
        session, settings.api_id, settings.api_hash.get_secret_value(), **client_options()
    )


def protect_session_file(client: TelegramClient) -> None:
    """Make the client's session file (if it has one) readable by its owner only."""
    filename = getattr(client.session, "filename", None)
    if isinstance(filename, str) and filename != ":memory:" and Path(filename).exists():
        os.chmod(filename, SESSION_MODE)


def check_session_owner(client: TelegramClient, me: Any, bot_token: str | None) -> None:
    """Refuse a session logged in as another account: Telethon would quietly run as it."""
    session = getattr(client.session, "filename", "the session")
    expected = (bot_token or "").partition(":")[0]
    if me is None or not getattr(me, "bot", False) or (expected and str(me.id) != expected):
        who = "nobody" if me is None else f"account {me.id}"
        raise SessionFileError(
            f"the session file {session} is logged in as {who}, not as the bot of "
            "GATEKEEPER_BOT_TOKEN. Move it away (the bot then logs in with its token) or set "
            "GATEKEEPER_SESSION to another name."
        )
