"""What happened while the bot was down is caught up (updates.getDifference) after a restart."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded


async def test_a_member_who_left_the_channel_while_the_bot_was_down_is_muted(
    stage: Stage,
) -> None:
    stage.alice.join(stage.news)
    await guarded(stage, members=(stage.alice,))
    assert stage.group.can_write(stage.alice)

    await stage.stop()
    stage.alice.leave(stage.news)  # the channel's participant update waits in the bot's qts
    await stage.start()

    assert not stage.group.can_write(stage.alice), "the missed leave was caught up and acted on"
    assert stage.sim.requests["GetDifferenceRequest"] >= 1
