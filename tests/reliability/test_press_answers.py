"""Telegram makes the answer to a press wait: the bot answers once it may, within the press's
life (about 15 s, then QUERY_ID_INVALID)."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say


async def test_a_press_whose_answer_is_made_to_wait_a_second_is_still_answered(
    stage: Stage,
) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    [notice] = notices_for(stage.group, stage.bot, stage.alice)
    stage.sim.faults.flood_wait("SetBotCallbackAnswerRequest", 1)

    query = await stage.alice.press(notice)

    assert query.answered, "the answer is sent again once the second is over"
    assert stage.sim.requests["SetBotCallbackAnswerRequest"] == 2


async def test_a_press_whose_answer_must_wait_a_few_seconds_is_answered_within_its_life(
    stage: Stage,
) -> None:
    """A wait of 4 s is slept (in real time here), not dropped."""
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    [notice] = notices_for(stage.group, stage.bot, stage.alice)
    stage.sim.faults.flood_wait("SetBotCallbackAnswerRequest", 4)

    query = await stage.alice.press(notice)

    assert query.answered
