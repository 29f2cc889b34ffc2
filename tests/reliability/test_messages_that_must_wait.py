"""Telegram makes the bot's own messages wait long: what the bot had to say is dropped (it would
come too late to help), and whatever else it was doing goes on."""

from __future__ import annotations

import structlog

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, say


async def test_a_link_that_heals_while_the_bot_may_not_write_still_releases_its_members(
    stage: Stage,
) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    stage.news.demote(stage.bot, by=stage.carol)
    await stage.settle()
    with stage.updates_lost():
        stage.alice.join(stage.news)
        await stage.sim.settle()
    stage.sim.faults.flood_wait("SendMessageRequest", 120)

    with structlog.testing.capture_logs() as logs:
        stage.make_admin(stage.news)
        await stage.settle()

    assert stage.group.can_write(stage.alice), "released once the link healed"
    assert "handler_failed" not in [entry["event"] for entry in logs]


async def test_a_command_whose_answer_must_wait_long_fails_nothing(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("SendMessageRequest", 120)

    with structlog.testing.capture_logs() as logs:
        await say(stage, stage.carol, stage.group, "/status")

    events = [entry["event"] for entry in logs]
    assert "message_dropped" in events and "handler_failed" not in events
