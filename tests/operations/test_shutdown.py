"""Stopping the bot: SIGTERM or SIGINT mid-work loses nothing decided, and exits 0 (what had to
wait is kept, and the next process does it, once); a connection Telegram ends for good exits
non-zero, so that a supervisor restarts the bot."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper.sim.stage import Stage
from tests.operations.bot_process import run_bot

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_work_stops_cleanly_and_the_next_process_does_what_had_to_wait_once(
    tmp_path: Path, signum: signal.Signals
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.operations.bot_process", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 60)
        assert ready, "the bot never got to work"
        assert child.stdout.readline().strip() == "working"
        child.send_signal(signum)
        _, log = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    assert child.returncode == 0, log[-3000:]
    world = json.loads((tmp_path / "world.json").read_text())
    with sqlite3.connect(tmp_path / "bot.db") as db:
        rows = db.execute(
            "SELECT user_id FROM restrictions WHERE group_id = ?", (world["group_id"],)
        )
        recorded = {user_id for (user_id,) in rows}
        waiting = owed_mutes(db)
    imposed = set(world["muted"])
    assert imposed, "the bot had muted someone before it was stopped"
    assert recorded == imposed, "a mute recorded but not imposed, or imposed but not recorded"
    events = [json.loads(line)["event"] for line in log.splitlines() if line.startswith("{")]
    assert "stop_requested" in events and events[-1] == "stopped"
    assert world["sent"] < 400 or len(imposed) < 400, "the signal came before the work was done"
    assert waiting, "Telegram made mutes wait, and they were kept"

    again = subprocess.run(
        [sys.executable, "-m", "tests.operations.bot_process", str(tmp_path), "again"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    after = json.loads((tmp_path / "again.json").read_text())
    assert after["violations"] == [], "nobody muted twice, no one else's restriction touched"
    assert waiting | imposed <= set(after["muted"])
    wrote = set(world["wrote"])
    assert set(after["muted"]) == wrote, "whoever wrote meets the gate, before or after the stop"
    # At most the one update Telegram delivered as the client disconnected: Telethon's update
    # loop takes it (its pts is saved) but stops before handing it to a handler.
    assert len(after["spoke_again"]) <= 1, "updates cut short by the stop were re-checked"
    assert max(after["notices"].values()) <= 1
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert owed_mutes(db) == set(), "done, and forgotten"


def owed_mutes(db: sqlite3.Connection) -> set[int]:
    """Members whose mute (or re-check) waits in the postponed work."""
    owed: set[int] = set()
    for (work,) in db.execute("SELECT work FROM postponed_work"):
        owed |= {item["user_id"] for item in json.loads(work) if item["kind"] in KINDS}
    return owed


KINDS = ("mute", "recheck")


async def test_when_telegram_ends_the_connection_for_good_run_exits_non_zero(
    tmp_path: Path, sqlite_url: str
) -> None:
    stage = Stage(sqlite_url, session=tmp_path / "bot.session")
    running = await run_bot(stage)
    assert stage.app is not None

    await stage.app.client.disconnect()  # the connection ends; nobody asked the bot to stop

    assert await asyncio.wait_for(running, 30) == 1
