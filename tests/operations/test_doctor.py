"""`doctor` tells an operator what is wrong, line by line, with what to do: over the sim."""

from __future__ import annotations

import io
import json
import os
import socket
from pathlib import Path
from typing import Any

from gatekeeper.cli.doctor import doctor
from gatekeeper.settings import Settings
from gatekeeper.sim.stage import Stage
from gatekeeper.storage import Storage
from gatekeeper.telegram.client import client_options
from tests.scenarios.helpers import guarded


def doctor_settings(stage: Stage, tmp_path: Path, **changes: Any) -> Settings:
    """The stage's settings, with the session file where the stage keeps it."""
    return stage.settings().model_copy(
        update={"sessions_dir": tmp_path, "session": "bot", **changes}
    )


async def examine(stage: Stage, settings: Settings) -> tuple[int, dict[str, Any]]:
    client = stage.sim.client(stage.bot, session=str(settings.session_path), **client_options())
    out = io.StringIO()
    status = await doctor(settings, client, as_json=True, out=out)
    return status, json.loads(out.getvalue())


def line(report: dict[str, Any], check: str) -> dict[str, str]:
    return next(f for f in report["findings"] if f["check"].strip() == check)


async def test_a_healthy_setup_passes_every_check_and_names_the_bot(
    tmp_path: Path, sqlite_url: str
) -> None:
    stage = Stage(sqlite_url, session=tmp_path / "bot.session")
    await guarded(stage)
    await stage.stop()
    os.chmod(tmp_path / "bot.session", 0o600)

    status, report = await examine(stage, doctor_settings(stage, tmp_path))

    assert status == 0 and report["ok"], report
    assert {f["status"] for f in report["findings"]} == {"ok"}
    assert "@gatekeeper_bot" in line(report, "telegram")["detail"]
    assert line(report, "database")["detail"].startswith("reachable, migrated to head")
    assert line(report, "group Coffee chat")["status"] == "ok"
    assert line(report, "channel @news")["status"] == "ok"


async def test_a_bot_no_longer_admin_in_the_channel_fails_with_what_to_do(
    tmp_path: Path, sqlite_url: str
) -> None:
    stage = Stage(sqlite_url, session=tmp_path / "bot.session")
    await guarded(stage)
    await stage.stop()
    stage.news.demote(stage.bot, by=stage.carol)
    stage.group.promote(stage.bot, by=stage.carol, delete_messages=False)
    os.chmod(tmp_path / "bot.session", 0o644)  # loosened by hand (the bot keeps it 0600)

    status, report = await examine(stage, doctor_settings(stage, tmp_path))

    assert status == 1 and not report["ok"]
    channel = line(report, "channel @news")
    assert channel["status"] == "fail"
    assert "add the bot as an admin of the channel" in channel["fix"]
    group = line(report, "group Coffee chat")
    assert group["status"] == "fail" and "delete messages" in group["detail"]
    session = line(report, "session")
    assert session["status"] == "warn" and "chmod 600" in session["fix"]


async def test_a_missing_session_an_old_schema_and_a_dead_redis_each_get_a_fix(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await (await Storage.open(url, upgrade=False)).close()  # an empty, unmigrated database
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings = Settings(
        _env_file=None,
        api_id=1,
        api_hash="0" * 32,
        bot_token="123:abc",
        database_url=url,
        redis_url=f"redis://127.0.0.1:{dead}/0",
        sessions_dir=tmp_path / "nowhere",
    )
    out = io.StringIO()

    assert await doctor(settings, out=out) == 1

    text = out.getvalue()
    assert "run: python3 run.py migrate" in text
    assert "unset it (the bot runs without it)" in text
    assert "run: python3 run.py login" in text
    assert text.splitlines()[0].split() == ["check", "status", "detail", "what", "to", "do"]
    assert text.rstrip().endswith("something is wrong: see FAIL lines")
