"""What happened while the bot was down is caught up (updates.getDifference) after a restart."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say


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


async def test_a_join_caught_up_after_a_restart_frees_no_one_who_left_again(
    stage: Stage,
) -> None:
    """Alice, muted, joined @news and left it again while the bot was down: both participant
    updates come in the catch-up, the join first, no longer true by then."""
    await guarded(stage, members=(stage.alice,))
    await say(stage, stage.alice, stage.group, "hi")
    assert not stage.group.can_write(stage.alice)
    [notice] = notices_for(stage.group, stage.bot, stage.alice)

    await stage.stop()
    stage.alice.join(stage.news)
    stage.alice.leave(stage.news)
    await stage.start()

    assert not stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == [notice], "never freed meanwhile"
