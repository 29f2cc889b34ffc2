"""An operator logs the bot in once: a private session file, and who the bot is, in one line."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from telethon import TelegramClient

from gatekeeper.cli.login import login
from gatekeeper.settings import Settings
from gatekeeper.sim import SimTelegram, SimUser
from gatekeeper.telegram.client import client_options


def operator_settings(tmp_path: Path, token: str) -> Settings:
    return Settings(
        _env_file=None,
        api_id=1,
        api_hash="0" * 32,
        bot_token=token,
        sessions_dir=tmp_path / "sessions",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
    )


def clients_of(sim: SimTelegram, settings: Settings) -> Callable[[], TelegramClient]:
    """Real TelegramClients on the settings' session file, talking to the simulated Telegram."""

    def make() -> TelegramClient:
        settings.sessions_dir.mkdir(parents=True, exist_ok=True)
        return sim.client(session=str(settings.session_path), **client_options())

    return make


async def test_login_saves_a_private_session_and_says_who_the_bot_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = SimTelegram()
    bot = sim.create_bot("gatekeeper_bot")
    settings = operator_settings(tmp_path, bot.token or "")

    assert await login(settings, clients_of(sim, settings)) == 0

    out = capsys.readouterr().out
    assert f"logged in as @gatekeeper_bot (id {bot.id})" in out
    assert stat.S_IMODE(settings.session_path.stat().st_mode) == 0o600
    assert sim.requests["ImportBotAuthorizationRequest"] == 1

    # Run again, it reuses the saved login rather than logging in anew.
    assert await login(settings, clients_of(sim, settings)) == 0
    assert sim.requests["ImportBotAuthorizationRequest"] == 1
    assert f"(id {bot.id})" in capsys.readouterr().out


async def test_a_session_of_another_bot_is_replaced_by_the_tokens_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = SimTelegram()
    old: SimUser = sim.create_bot("old_bot")
    new: SimUser = sim.create_bot("new_bot")
    first = operator_settings(tmp_path, old.token or "")
    assert await login(first, clients_of(sim, first)) == 0

    second = operator_settings(tmp_path, new.token or "")
    assert await login(second, clients_of(sim, second)) == 0
    assert f"logged in as @new_bot (id {new.id})" in capsys.readouterr().out


async def test_a_bad_token_gets_one_clear_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = SimTelegram()
    sim.create_bot("gatekeeper_bot")
    settings = operator_settings(tmp_path, "123456:not-the-real-token")

    assert await login(settings, clients_of(sim, settings)) == 1

    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "gatekeeper: Telegram refused the bot token; copy it again from @BotFather"
    )
    assert "Traceback" not in captured.err + captured.out
    assert "not-the-real-token" not in captured.err


async def test_login_without_credentials_says_what_to_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(_env_file=None, sessions_dir=tmp_path)
    assert await login(settings) == 2
    assert "GATEKEEPER_BOT_TOKEN" in capsys.readouterr().err
