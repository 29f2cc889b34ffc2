"""`warm GROUP`: an operator asks the running bot to check every member, and watches it."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from gatekeeper.cli.warm import warm
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded


async def test_warm_asks_the_running_bot_and_shows_its_progress_to_the_end(
    tmp_path: Path, database_url: str
) -> None:
    stage = Stage(database_url, session=tmp_path / "bot.session", warmup_rate=1_000.0)
    try:
        people = [stage.user(f"Reader{i}") for i in range(6)]
        for person in people:
            person.join(stage.group)
        people[0].join(stage.news)
        await guarded(stage, members=())  # warm-ups only on demand here: nothing yet
        assert stage.app is not None and stage.app.warmup.progress(stage.group.peer_id) is None

        out = io.StringIO()
        watching = asyncio.create_task(warm(stage.settings(), "coffee CHAT", out=out, poll=0.01))
        for _ in range(100):  # the bot's periodic sweep picks the request up
            if watching.done():
                break
            await stage.pass_time(5)
            await asyncio.sleep(0.02)
        assert await watching == 0
        assert "Warm-up done: verified 8 of 8, 5 not subscribed" in out.getvalue()
        assert all(stage.group.can_write(p) for p in people), "nobody muted by default"
    finally:
        await stage.stop()


async def test_warm_names_an_unknown_group_in_one_line(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stage = Stage(sqlite_url, session=tmp_path / "bot.session")
    try:
        await guarded(stage)
        assert await warm(stage.settings(), "Tea room", out=io.StringIO()) == 2
        assert "Tea room: no such group" in capsys.readouterr().err
    finally:
        await stage.stop()


async def test_a_request_no_bot_picked_up_runs_at_the_next_start_from_a_fresh_listing(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stage = Stage(sqlite_url, session=tmp_path / "bot.session", warmup_rate=1_000.0)
    try:
        await guarded(stage)
        stage.carol.send_anonymously(stage.group, "/verify")  # an earlier warm-up
        await stage.settle()
        await stage.stop()  # nobody runs the bot now
        code = await warm(stage.settings(), str(stage.group.peer_id), poll=0.01, pick_up=0.05)
        assert code == 3 and "no running bot picked the request up" in capsys.readouterr().err

        app = await stage.start()  # the request waits in the database
        progress = app.warmup.progress(stage.group.peer_id)
        assert progress is not None and progress.state.value == "done"
        assert str(progress.reason) == "cli"
        assert (progress.total, progress.verified) == (3, 3), "carol, the bot and alice, once"
    finally:
        await stage.stop()
