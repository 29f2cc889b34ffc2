"""The bot stopped (SIGTERM) or killed (SIGKILL) while notices wait for the group's message
budget and log lines for the next sweep: the next process, on the same database and session
file, tells each muted member once and logs each mute once, across both processes."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def child(folder: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.operations.owed_process", str(folder), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def times_named(posts: list[list[object]], chat_id: int, text: str) -> int:
    return sum(str(body).count(text) for chat, body in posts if chat == chat_id)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_messages_owed_at_a_stop_or_a_crash_are_sent_once_by_the_next_process(
    tmp_path: Path, signum: signal.Signals
) -> None:
    bot = child(tmp_path, "first", "kill" if signum == signal.SIGKILL else "stop")
    try:
        assert bot.stdout is not None
        ready, _, _ = select.select([bot.stdout], [], [], 180)
        assert ready, "the bot never came to owe messages"
        assert bot.stdout.readline().strip() == "owing"
        bot.send_signal(signum)
        _, log = bot.communicate(timeout=60)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    assert bot.returncode == (0 if signum == signal.SIGTERM else -signal.SIGKILL), log[-3000:]

    restarted = child(tmp_path, "again")
    _, log = restarted.communicate(timeout=240)
    assert restarted.returncode == 0, log[-3000:]

    first = json.loads((tmp_path / "first.json").read_text())
    after = json.loads((tmp_path / "again.json").read_text())
    posts = first["posts"] + after["posts"]
    group, log_channel, names = after["group_id"], first["log_id"], after["names"]
    assert after["violations"] == []
    assert len(after["muted"]) > len(first["members"]) / 2, "those who wrote are muted"
    told = {m: times_named(posts, group, f"\u2068{names[str(m)]}\u2069") for m in after["muted"]}
    assert set(told.values()) == {1}, "each muted member is told once, across both processes"
    with sqlite3.connect(tmp_path / "bot.db") as db:
        rows = db.execute(
            "SELECT user_id FROM audit WHERE action = 'mute' AND group_id = ?",
            (after["group_peer_id"],),
        )
        recorded = [user_id for (user_id,) in rows]
    assert recorded, "the mutes are in the audit trail"
    logged = {
        m: times_named(posts, log_channel, f"muted \u2068{names[str(m)]} (") for m in recorded
    }
    assert set(logged.values()) == {1}, "each mute recorded has one line in the log, across both"
    assert times_named(first["posts"], group, "\u2068member") < len(first["members"]), (
        "the first process still owed notices when it ended"
    )
