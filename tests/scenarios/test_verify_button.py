"""The "I have joined" button checks whoever presses it, and always answers."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import notices_for, protect, say


async def muted_alice(stage: Stage) -> None:
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    stage.alice.join(stage.group)
    stage.bob.join(stage.group)
    stage.bob.join(stage.news)
    await stage.start()
    await protect(stage, stage.news)
    await say(stage, stage.alice, stage.group, "let me in")
    assert not stage.group.can_write(stage.alice)


async def test_pressing_before_joining_lists_what_is_missing(stage: Stage) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    query = await stage.alice.press(notice)

    assert query.answered and query.alert
    assert query.answer_text is not None and "@news" in query.answer_text
    assert not stage.group.can_write(stage.alice)


async def test_joining_then_pressing_releases_and_welcomes(stage: Stage) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    stage.alice.join(stage.news)
    # Even without the participant update (bot lagging), the button re-checks Telegram itself.
    await stage.pass_time(10)
    query = await stage.alice.press(notice)
    await stage.settle()

    assert query.answered
    assert stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == []


async def test_someone_elses_button_checks_the_presser_not_the_notice_subject(
    stage: Stage,
) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    query = await stage.bob.press(notice)

    assert query.answered and query.answer_text is not None
    assert "someone else" in query.answer_text
    assert not stage.group.can_write(stage.alice), "Bob's press released nobody"


async def test_presses_are_rate_limited_but_always_answered(stage: Stage) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    first = await stage.alice.press(notice)
    stage.sim.requests.clear()
    second = await stage.alice.press(notice)

    assert first.answered and second.answered
    assert second.answer_text is not None and "wait a few seconds" in second.answer_text
    assert stage.sim.requests["GetParticipantRequest"] == 0


async def test_forged_button_data_gets_a_clear_answer(stage: Stage) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    query = await stage.alice.press(notice, data=b"gk1:v:not-a-number")

    assert query.answered and query.answer_text is not None
    assert "not one of mine" in query.answer_text
    assert not stage.group.can_write(stage.alice)


async def test_the_button_asks_telegram_not_its_memory_and_welcomes_her(stage: Stage) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    with stage.updates_lost():  # the bot never hears that she joined
        stage.alice.join(stage.news)
    await stage.pass_time(10)
    stage.sim.requests.clear()

    query = await stage.alice.press(notice)
    await stage.settle()

    assert query.answer_text is not None and "Welcome" in query.answer_text
    assert stage.sim.requests["GetParticipantRequest"] >= 1
    assert stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == []


async def test_a_press_is_answered_even_when_telegram_fails_the_check(stage: Stage) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    stage.sim.faults.error("GetParticipantRequest", 400, "SOMETHING_UNEXPECTED")

    query = await stage.alice.press(notice)

    assert query.answered and query.answer_text is not None
    assert "try again" in query.answer_text
    assert not stage.group.can_write(stage.alice)


async def test_a_press_is_answered_when_telegram_makes_the_check_wait(stage: Stage) -> None:
    await muted_alice(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    stage.sim.faults.flood_wait("GetParticipantRequest", 60)

    query = await stage.alice.press(notice)

    assert query.answered and query.answer_text is not None
    assert "busy" in query.answer_text
