"""A warm-up that Telegram interrupts or that dies with the bot goes on where it stopped: it
never lists the group from the start again, finishes once, and mutes nobody by default."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import structlog

from gatekeeper.domain.warmup import WarmupState
from gatekeeper.sim.stage import Stage
from tests.reliability.fault_world import Watch
from tests.reliability.servers import PrivatePostgres
from tests.reliability.warmup_watch import WarmupWatch
from tests.scenarios.helpers import protect, say


@pytest.fixture
async def warm(database_url: str, tmp_path: Path) -> AsyncIterator[Stage]:
    stage = Stage(
        database_url, session=tmp_path / "bot.session", warmup_interval=0.0, warmup_rate=1000.0
    )
    try:
        yield stage
    finally:
        await stage.stop()


async def crowded(stage: Stage, logs: list[structlog.typing.EventDict], sweep: bool) -> WarmupWatch:
    """A group of more than a page of members, protected; watched from now on."""
    watch = Watch(stage)
    warmups = WarmupWatch(stage, sweep, logs, watch.violations)
    watch.judges.append(warmups.judge)
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    warmups.cast()
    await stage.start()
    await protect(stage, stage.news)
    if sweep:
        await say(stage, stage.carol, stage.group, "/settings sweep mute")
    watch.install()
    warmups.install()
    return warmups


async def until_listed(warmups: WarmupWatch, offset: int) -> None:
    while offset not in warmups.pages:  # noqa: ASYNC110 - until Telegram served that page
        await asyncio.sleep(0.001)


@pytest.mark.parametrize("sweep", [False, True], ids=["default", "sweep mute"])
async def test_a_warm_up_killed_after_its_second_page_resumes_there(
    warm: Stage, sweep: bool
) -> None:
    with structlog.testing.capture_logs() as logs:
        warmups = await crowded(warm, logs, sweep)
        warm.carol.send(warm.group, "/verify")
        await asyncio.wait_for(until_listed(warmups, 200), timeout=30)
        await warm.kill()
        await warm.start()
        await warm.pass_time(5)
        warmups.check_end()

    assert warmups.pages.count(0) == 1, f"listed from the start again: {warmups.pages}"
    assert warmups.violations == []
    assert warmups.summaries == (1 if sweep else 0)


async def test_a_warm_up_that_must_wait_mid_check_goes_on_later_and_mutes_nobody(
    warm: Stage,
) -> None:
    with structlog.testing.capture_logs() as logs:
        warmups = await crowded(warm, logs, sweep=False)
        warm.sim.faults.flood_wait("GetParticipantRequest", 300, after=10)
        await say(warm, warm.carol, warm.group, "/verify")
        app = warm.app
        assert app is not None
        waiting = app.warmup.progress(warm.group.peer_id)
        assert waiting is not None and waiting.state is WarmupState.WAITING
        await warm.pass_time(301)
        warmups.check_end()

    assert warmups.pages.count(0) == 1 and warmups.violations == []
    assert "background_task_failed" not in [entry["event"] for entry in logs]


async def test_a_warm_up_whose_database_goes_away_waits_for_it_and_goes_on(
    fault_database: str, private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    stage = Stage(fault_database, session=tmp_path / "bot.session", warmup_rate=1000.0)
    try:
        with structlog.testing.capture_logs() as logs:
            warmups = await crowded(stage, logs, sweep=False)
            stage.carol.send(stage.group, "/verify")
            await asyncio.wait_for(until_listed(warmups, 0), timeout=30)
            private_postgres.stop()  # at once, as a crash of the server would
            await stage.settle()
            private_postgres.start()
            await stage.pass_time(61)
            warmups.check_end()
    finally:
        await stage.stop()

    assert "background_task_failed" not in [entry["event"] for entry in logs]
    assert warmups.violations == [], "went on where it was, and finished"
    assert warmups.pages[-1] == 200  # the first page again: its members were not yet kept
