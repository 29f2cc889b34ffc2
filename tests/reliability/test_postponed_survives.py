"""Postponed work is kept in the database: a bot that crashes or stops while Telegram makes it
wait does the work after its restart, and does it once."""

from __future__ import annotations

import asyncio

from gatekeeper.domain.actions import DeleteMessage, Mute, SendNotice, Warn
from gatekeeper.services.postponed import only_deletions
from gatekeeper.sim.stage import Stage
from tests.reliability.fault_world import Watch
from tests.scenarios.helpers import guarded, notices_for, say


async def test_a_mute_postponed_before_a_crash_is_done_after_the_restart(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("EditBannedRequest", 60)
    await say(stage, stage.alice, stage.group, "hi")
    assert stage.group.can_write(stage.alice), "Telegram made the mute wait"

    await stage.kill()
    await stage.start()
    await stage.pass_time(61)

    assert not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_a_notice_postponed_before_a_crash_is_sent_once_after_the_restart(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("SendMessageRequest", 30)
    await say(stage, stage.alice, stage.group, "hi")
    assert notices_for(stage.group, stage.bot, stage.alice) == []

    await stage.kill()
    await stage.start()
    await stage.pass_time(31)
    await stage.pass_time(31)

    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_work_done_right_before_a_crash_is_not_done_twice(stage: Stage) -> None:
    await guarded(stage)
    watch = Watch(stage)
    watch.install()
    await say(stage, stage.alice, stage.group, "hi")
    assert stage.app is not None
    group_id, news_id = stage.group.peer_id, stage.news.peer_id
    (link,) = stage.app.registry.rules[group_id].links
    # What a crash leaves when it comes after the mute and the notice, before the batch is
    # forgotten: the batch is still stored.
    await stage.app.storage.postponed.add(
        stage.clock.now(),
        (
            Mute(group_id, stage.alice.id, (news_id,)),
            SendNotice(group_id, stage.alice.id, (link.channel,)),
        ),
        "Alice",
    )
    await stage.app.storage.postponed.add(
        stage.clock.now(), (SendNotice(group_id, stage.alice.id, (link.channel,)),), None
    )

    await stage.kill()
    await stage.start()
    await stage.pass_time(5)

    assert watch.mutes() == 1 and watch.violations == []
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    kept = [k.work for k in await stage.app.storage.postponed.all()]
    assert [work for work in kept if not only_deletions(work)] == [], "done, and forgotten"
    assert len(kept) == 1, "only the notice's removal, when its time is up"


async def test_a_warning_done_right_before_a_crash_counts_its_message_once(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings warn 2")
    first = await say(stage, stage.alice, stage.group, "one")
    assert stage.app is not None and stage.group.can_write(stage.alice), "warned: one strike"
    group_id, alice = stage.group.peer_id, stage.alice.id
    (link,) = stage.app.registry.rules[group_id].links
    # What a crash leaves when it comes after a postponed warning was done, before its batch
    # was forgotten: the batch is still stored, and is done again after the restart.
    await stage.app.storage.postponed.add(
        stage.clock.now(),
        (
            Warn(group_id, alice, (link.channel.id,), strike=True, message_id=first.id),
            DeleteMessage(group_id, first.id, alice),
            SendNotice(group_id, alice, (link.channel,)),
        ),
        "Alice",
        access_hash=await stage.app.gateway.access_hash(alice),
    )

    await stage.kill()
    await stage.start()
    await stage.pass_time(61)
    await say(stage, stage.alice, stage.group, "two")
    assert stage.group.can_write(stage.alice), "the second warning: the first counted once"
    await stage.pass_time(61)
    await say(stage, stage.alice, stage.group, "three")

    assert not stage.group.can_write(stage.alice), "muted after two warnings"


async def test_a_stop_that_cuts_a_message_short_rechecks_its_author_after_the_restart(
    stage: Stage,
) -> None:
    await guarded(stage)
    assert stage.app is not None
    stage.app.settings = stage.app.settings.model_copy(update={"shutdown_grace": 0.0})
    stage.sim.faults.latency(0.05)
    stage.alice.send(stage.group, "hi")
    while not stage.app.handlers.busy:  # noqa: ASYNC110 - until the bot has taken the update
        await asyncio.sleep(0.001)

    await stage.stop()
    assert stage.group.can_write(stage.alice), "the stop came before the mute"
    stage.sim.faults.latency(0)
    await stage.start()
    await stage.pass_time(1)

    assert not stage.group.can_write(stage.alice), "re-checked after the restart"
