"""The bot stops without saving its session (killed, crashed, or the session file lost or
renamed): members it muted a moment before are still released. Telethon writes the access hashes
it learns to the session file only now and then; the bot keeps the ones it needs with its mutes."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say


async def _alice_muted_then_bot_killed(stage: Stage) -> None:
    await guarded(stage, members=(stage.alice,))
    await say(stage, stage.alice, stage.group, "muted right before the crash")
    assert not stage.group.can_write(stage.alice)
    await stage.kill()


async def test_a_member_who_joined_while_the_killed_bot_was_down_is_released_at_restart(
    stage: Stage,
) -> None:
    await _alice_muted_then_bot_killed(stage)
    stage.alice.join(stage.news)  # while the bot is down: the restart must find out by asking

    await stage.start()

    assert stage.group.can_write(stage.alice), "released by the re-check at start"


async def test_a_member_who_joined_while_the_bot_was_down_is_released_with_a_lost_session(
    stage: Stage,
) -> None:
    await _alice_muted_then_bot_killed(stage)
    assert stage.session is not None
    stage.session.rename(stage.session.with_name("renamed.session"))  # a fresh login follows
    stage.alice.join(stage.news)

    await stage.start()

    assert stage.group.can_write(stage.alice), "released by the re-check at start"


async def test_joining_after_the_restart_releases_the_member(stage: Stage) -> None:
    await _alice_muted_then_bot_killed(stage)
    assert stage.session is not None
    stage.session.unlink()
    await stage.start()
    assert not stage.group.can_write(stage.alice)

    stage.alice.join(stage.news)
    await stage.settle()

    assert stage.group.can_write(stage.alice)


async def test_the_button_releases_the_member_after_the_restart(stage: Stage) -> None:
    await _alice_muted_then_bot_killed(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert stage.session is not None
    stage.session.unlink()
    with_no_word = stage.alice  # she joins while the bot is away and then presses the button
    await stage.start()
    with stage.updates_lost():
        with_no_word.join(stage.news)

    query = await stage.alice.press(notice)
    await stage.settle()

    assert query.answered
    assert stage.group.can_write(stage.alice)
