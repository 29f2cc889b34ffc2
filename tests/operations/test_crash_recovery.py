"""The bot killed with SIGKILL right after Telegram made a mute wait: the mute was decided and
kept in the database, so the next process, on the same database and session file, mutes and
tells the member once the wait is over, exactly once."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child(folder: Path, phase: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.operations.crash_process", str(folder), phase],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def postponed_rows(folder: Path) -> int:
    """Postponed work in the database, but for the removal of notices when their time is up
    (the bot tidying up after itself, kept there too)."""
    with sqlite3.connect(folder / "bot.db") as db:
        rows = db.execute("SELECT work FROM postponed_work").fetchall()
    return sum(any(item["kind"] != "delete" for item in json.loads(work)) for (work,) in rows)


def test_a_mute_postponed_right_before_a_kill_is_done_once_by_the_next_process(
    tmp_path: Path,
) -> None:
    bot = child(tmp_path, "first")
    try:
        assert bot.stdout is not None
        ready, _, _ = select.select([bot.stdout], [], [], 60)
        assert ready, "the bot never postponed the mute"
        assert bot.stdout.readline().strip() == "postponed"
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=30)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    assert bot.returncode == -signal.SIGKILL
    assert postponed_rows(tmp_path) == 1, "the postponed mute is in the database"

    restarted = child(tmp_path, "again")
    _, log = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, log[-3000:]

    facts = json.loads((tmp_path / "facts.json").read_text())
    assert facts["violations"] == []
    assert not facts["alice_can_write"], "the postponed mute was done after the restart"
    assert facts["mutes"] == 1
    assert facts["notices"] == 1
    assert postponed_rows(tmp_path) == 0, "done, and forgotten"
