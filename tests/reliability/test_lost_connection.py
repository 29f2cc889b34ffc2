"""Telegram lost for good: Telethon's reconnections all fail, as in a long network outage. What
was under way is postponed in storage, nothing escapes a handler, `App.run` ends with 1 so that
the supervisor starts the bot again, and the next bot does what was left."""

from __future__ import annotations

import structlog

from gatekeeper.sim.stage import Stage
from tests.operations.bot_process import run_bot
from tests.scenarios.helpers import guarded, notices_for, protect, say


async def test_a_member_who_speaks_as_the_line_is_lost_is_muted_by_the_next_bot(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.lose_connection()  # under the check of who is speaking

    with structlog.testing.capture_logs() as logs:
        await say(stage, stage.alice, stage.group, "lost in the outage")

    assert stage.app is not None and not stage.app.client.is_connected()
    assert stage.group.can_write(stage.alice), "not punished while Telegram cannot say"
    events = [entry["event"] for entry in logs]
    assert "check_postponed" in events and "handler_failed" not in events

    await stage.restart()  # the supervisor's new bot, on the same database and session
    await stage.pass_time(31)

    assert not stage.group.can_write(stage.alice), "re-checked once the retry was due"
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_an_admin_command_as_the_line_is_lost_fails_nothing(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.lose_connection()  # under the look at who is asking

    with structlog.testing.capture_logs() as logs:
        await say(stage, stage.carol, stage.group, "/status")

    assert "handler_failed" not in [entry["event"] for entry in logs]


async def test_the_bot_stops_with_1_when_telegram_is_lost_and_0_when_asked(stage: Stage) -> None:
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    stage.alice.join(stage.group)
    running = await run_bot(stage)
    await protect(stage, stage.news)
    stage.sim.faults.lose_connection()

    with structlog.testing.capture_logs() as logs:
        await say(stage, stage.alice, stage.group, "hello?")
        status = await running

    assert status == 1, "a supervisor restarts a bot that exits with 1"
    assert "telegram_connection_lost" in [entry["event"] for entry in logs]

    running = await run_bot(stage)
    await stage.pass_time(31)
    assert not stage.group.can_write(stage.alice), "the new bot did what was postponed"
    assert stage.app is not None
    stage.app.request_stop()
    assert await running == 0
    stage.app = None
