"""A press of "I have joined" is answered while a burst of messages still waits its turn."""

from __future__ import annotations

import asyncio

import pytest

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say


async def test_a_press_is_answered_before_a_burst_of_messages_is_through(
    stage: Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEKEEPER_CONCURRENCY", "2")
    crowd = [stage.user(f"Member {i}") for i in range(12)]
    await guarded(stage, members=(stage.alice, *crowd))
    await say(stage, stage.alice, stage.group, "hi")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    stage.sim.faults.latency(0.05)  # every check of the crowd takes a while

    burst = [member.send(stage.group, "hello") for member in crowd]
    query = stage.alice.press_nowait(notice)
    for _ in range(500):  # the sim answers in its own time: look until it has
        if query.answered:
            break
        await asyncio.sleep(0.01)
    assert query.answered

    still_there = [m for m in burst if stage.group.message(m.id) is not None]
    assert still_there, "the press did not wait for the whole burst"
    stage.sim.faults.latency(0)
    await stage.settle()
    assert all(stage.group.message(m.id) is None for m in burst)
