"""Telegram says "slow down" or drops the line: the bot waits as told and still does its job
(the line lost for good: test_lost_connection.py)."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say


async def test_a_long_flood_wait_on_muting_postpones_the_mute_and_it_happens_later(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("EditBannedRequest", 120)

    message = await say(stage, stage.alice, stage.group, "hi")
    assert stage.group.message(message.id) is None, "the message still goes at once"
    assert stage.group.can_write(stage.alice), "the mute waits for Telegram's permission"

    await stage.pass_time(60)
    assert stage.group.can_write(stage.alice), "not before the wait is over"
    await stage.pass_time(61)

    assert not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    assert stage.app is not None
    rendered = stage.app.metrics.render().decode()
    assert 'gatekeeper_flood_wait_seconds_total{method="EditBanned"} 120.0' in rendered


async def test_a_short_flood_wait_is_slept_and_the_call_retried(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("EditBannedRequest", 1)

    await say(stage, stage.alice, stage.group, "hi")

    assert not stage.group.can_write(stage.alice)
    assert stage.sim.requests["EditBannedRequest"] == 2


async def test_a_connection_dropped_under_the_mute_mutes_the_member_once_with_one_notice(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.drop_connection(times=6)  # the check, deletion, mute, notice: each twice

    await say(stage, stage.alice, stage.group, "hi")

    assert not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
