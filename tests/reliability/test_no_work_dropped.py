"""A flood wait or a failure never drops work: it is done later, and the member ends as
Telegram's world requires."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say


async def muted_pair(stage: Stage) -> None:
    await guarded(stage, members=(stage.alice, stage.bob))
    await say(stage, stage.alice, stage.group, "hi")
    await say(stage, stage.bob, stage.group, "hello")
    assert not stage.group.can_write(stage.alice) and not stage.group.can_write(stage.bob)


async def test_joining_the_channel_releases_after_one_look_at_the_channel(
    stage: Stage,
) -> None:
    """The update may be one caught up long after (test_catch_up.py): the channel is asked."""
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    asked = stage.sim.requests["GetParticipantRequest"]

    stage.alice.join(stage.news)
    await stage.settle()

    assert stage.group.can_write(stage.alice)
    assert stage.sim.requests["GetParticipantRequest"] - asked == 2, "@news, her rights here"


async def test_a_flood_wait_on_the_release_after_a_join_postpones_it(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    stage.sim.faults.flood_wait("GetParticipantRequest", 60)

    stage.alice.join(stage.news)
    await stage.settle()
    assert not stage.group.can_write(stage.alice), "Telegram made the release wait"
    await stage.pass_time(61)

    assert stage.group.can_write(stage.alice)


async def test_a_flood_wait_in_the_recheck_after_a_restart_postpones_everyone(
    stage: Stage,
) -> None:
    await muted_pair(stage)
    with stage.updates_lost():
        stage.alice.join(stage.news)
        stage.bob.join(stage.news)
        await stage.sim.settle()
    await stage.stop()
    stage.sim.faults.flood_wait("GetParticipantRequest", 60)

    await stage.start()
    assert not stage.group.can_write(stage.alice) and not stage.group.can_write(stage.bob)
    await stage.pass_time(61)

    assert stage.group.can_write(stage.alice) and stage.group.can_write(stage.bob)


async def test_a_flood_wait_in_the_recheck_after_an_unlink_postpones_everyone(
    stage: Stage,
) -> None:
    talks = stage.sim.create_channel("Talks", owner=stage.carol, username="talks")
    stage.make_admin(talks)
    await muted_pair(stage)
    await say(stage, stage.carol, stage.group, "/protect @talks")
    for member in (stage.alice, stage.bob):
        member.join(talks)
    await stage.settle()
    with stage.updates_lost():
        stage.alice.join(stage.news)
        stage.bob.join(stage.news)
        await stage.sim.settle()
    stage.sim.faults.flood_wait("GetParticipantRequest", 60)

    stage.carol.send_anonymously(stage.group, "/unlink @talks")  # no look at who she is
    await stage.settle()
    assert not stage.group.can_write(stage.alice) and not stage.group.can_write(stage.bob)
    await stage.pass_time(61)

    assert stage.group.can_write(stage.alice) and stage.group.can_write(stage.bob)


async def test_a_press_that_meets_a_flood_wait_is_checked_again_by_the_bot(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    with stage.updates_lost():
        stage.alice.join(stage.news)
        await stage.sim.settle()
    stage.sim.faults.flood_wait("GetParticipantRequest", 60)

    query = await stage.alice.press(notice)
    assert query.answer_text is not None and "check again" in query.answer_text
    assert not stage.group.can_write(stage.alice)
    await stage.pass_time(61)

    assert stage.group.can_write(stage.alice), "she did not have to press again"


async def test_a_flood_wait_while_unprotecting_postpones_the_releases(stage: Stage) -> None:
    await muted_pair(stage)
    stage.sim.faults.flood_wait("EditBannedRequest", 60)

    await say(stage, stage.carol, stage.group, "/unprotect")
    assert not stage.group.can_write(stage.alice) and not stage.group.can_write(stage.bob)
    await stage.pass_time(61)

    assert stage.group.can_write(stage.alice) and stage.group.can_write(stage.bob)


async def test_a_release_that_fails_for_another_reason_is_retried(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    stage.sim.faults.error("EditBannedRequest", 400, "CHAT_NOT_MODIFIED")

    stage.alice.join(stage.news)
    await stage.settle()
    assert not stage.group.can_write(stage.alice)
    await stage.pass_time(31)

    assert stage.group.can_write(stage.alice)
