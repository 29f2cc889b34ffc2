"""Warm-ups: the bot lists a protected group, learns who is subscribed, and first messages then
cost (almost) nothing; nobody is muted by it unless the group asks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gatekeeper.domain.warmup import WarmupState
from gatekeeper.sim import SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, say

RATE = 1_000.0  # checks a second to start at: fast, as nothing here is timed


@pytest.fixture
async def warm(database_url: str, tmp_path: Path) -> AsyncIterator[Stage]:
    """A stage whose bot warms a group up on /protect (as by default in production)."""
    stage = Stage(
        database_url, session=tmp_path / "bot.session", warmup_interval=86_400.0, warmup_rate=RATE
    )
    try:
        yield stage
    finally:
        await stage.stop()


def cast(stage: Stage, subscribed: int, unsubscribed: int) -> tuple[list[SimUser], list[SimUser]]:
    """Members of the group: some subscribed to @news, some not."""
    ins = [stage.user(f"Reader{i}") for i in range(subscribed)]
    outs = [stage.user(f"Lurker{i}") for i in range(unsubscribed)]
    for person in ins:
        person.join(stage.news)
    for person in ins + outs:
        person.join(stage.group)
    return ins, outs


async def test_after_a_warm_up_first_messages_cost_no_look_up_of_the_member(warm: Stage) -> None:
    ins, outs = cast(warm, subscribed=25, unsubscribed=5)
    await guarded(warm, members=())
    app = warm.app
    assert app is not None

    progress = app.warmup.progress(warm.group.peer_id)
    assert progress is not None and progress.state is WarmupState.DONE
    assert (progress.total, progress.verified, progress.not_subscribed) == (32, 32, 5)
    assert all(warm.group.can_write(p) for p in ins + outs), "nobody is muted by the warm-up"

    warm.sim.requests.clear()
    for person in ins:
        await say(warm, person, warm.group, "hello")
    assert warm.sim.requests["GetParticipantRequest"] == 0, "subscribers cost no call at all"
    assert sum(warm.sim.requests.values()) == 0

    for person in outs:
        await say(warm, person, warm.group, "hi")
    assert not any(warm.group.can_write(p) for p in outs)
    assert warm.sim.requests["GetParticipantRequest"] == 0, "neither the group nor the channel"
    assert warm.sim.requests["EditBannedRequest"] == len(outs)

    await say(warm, warm.carol, warm.group, "/status")
    assert "verified 32 of 32, 5 not subscribed" in last_reply(warm.group, warm.bot)


async def test_a_warm_up_cut_short_by_a_crash_resumes_where_it_stopped(warm: Stage) -> None:
    _, outs = cast(warm, subscribed=3, unsubscribed=12)
    warm.sim.faults.flood_limit("GetParticipantRequest", calls=5, per_seconds=60)
    await guarded(warm, members=())
    app = warm.app
    assert app is not None
    paused = app.warmup.progress(warm.group.peer_id)
    assert paused is not None and paused.state is WarmupState.WAITING
    checked = paused.verified
    assert 0 < checked < paused.total

    await warm.kill()  # nothing saved but what the bot wrote to its database
    app = await warm.start()
    # The start's reconciliation shares the limited GetParticipant budget (it goes on once
    # its own flood wait is over): a third window for the warm-up.
    for _ in range(3):
        await warm.pass_time(61)

    progress = app.warmup.progress(warm.group.peer_id)
    assert progress is not None and progress.state is WarmupState.DONE
    assert (progress.verified, progress.not_subscribed) == (progress.total, len(outs))
    assert progress.rate < RATE, "slower after the flood waits on checks"
    assert progress.total == paused.total and progress.queries_done == paused.queries_done
    assert progress.started_at == paused.started_at, "the same warm-up, not one from zero"
    assert warm.sim.faults.flood_waits >= 1
    assert all(warm.group.can_write(p) for p in outs)


async def test_the_rate_halves_on_each_flood_wait_and_waits_as_long_as_told(warm: Stage) -> None:
    cast(warm, subscribed=0, unsubscribed=6)
    await guarded(warm, members=())
    await warm.pass_time(301)  # what the first warm-up learnt has expired
    warm.sim.faults.flood_wait("GetParticipantRequest", 1)  # short: slept through
    warm.sim.faults.flood_wait("GetParticipantRequest", 120)  # long: the warm-up pauses
    warm.carol.send_anonymously(warm.group, "/verify")  # asks Telegram nothing about her
    await warm.settle()
    app = warm.app
    assert app is not None
    progress = app.warmup.progress(warm.group.peer_id)
    assert progress is not None and progress.state is WarmupState.WAITING
    assert progress.rate == pytest.approx(RATE / 4)
    assert progress.resume_at == pytest.approx(warm.clock.now() + 120)

    await warm.pass_time(60)
    still = app.warmup.progress(warm.group.peer_id)
    assert still is not None and still.state is WarmupState.WAITING, "not before it was told"
    await warm.pass_time(61)

    done = app.warmup.progress(warm.group.peer_id)
    assert done is not None and done.state is WarmupState.DONE
    assert done.rate > progress.rate, "probed back up after a quiet period"
    assert done.not_subscribed == 6 and done.muted == 0


async def test_sweep_mute_mutes_the_unsubscribed_with_one_summary_notice(stage: Stage) -> None:
    ins, outs = cast(stage, subscribed=4, unsubscribed=3)
    await guarded(stage, members=())
    await say(stage, stage.carol, stage.group, "/settings sweep mute")
    assert "mutes the unsubscribed" in last_reply(stage.group, stage.bot)

    await say(stage, stage.carol, stage.group, "/verify")

    assert not any(stage.group.can_write(p) for p in outs)
    assert all(stage.group.can_write(p) for p in ins)
    assert all(not notices_for(stage.group, stage.bot, p) for p in outs), "no notice each"
    summaries = [m for m in stage.group.messages() if "I checked every member" in m.text]
    assert len(summaries) == 1 and "I muted 3 members" in summaries[0].text


async def test_verify_is_for_admins_and_can_be_cancelled(stage: Stage) -> None:
    cast(stage, subscribed=0, unsubscribed=8)
    stage.alice.join(stage.news)  # a subscriber, not an admin
    await guarded(stage)
    app = stage.app
    assert app is not None

    await say(stage, stage.alice, stage.group, "/verify")
    assert last_reply(stage.group, stage.bot) == "Only this group's admins can use /verify."
    assert app.warmup.progress(stage.group.peer_id) is None

    stage.sim.faults.flood_limit("GetParticipantRequest", calls=2, per_seconds=600)
    stage.carol.send_anonymously(stage.group, "/verify")  # asks Telegram nothing about her
    await stage.settle()
    waiting = app.warmup.progress(stage.group.peer_id)
    assert waiting is not None and waiting.state is WarmupState.WAITING
    stage.carol.send_anonymously(stage.group, "/verify cancel")
    await stage.settle()
    assert last_reply(stage.group, stage.bot).startswith("Stopped. Warm-up cancelled")

    await stage.pass_time(601)
    cancelled = app.warmup.progress(stage.group.peer_id)
    assert cancelled is not None and cancelled.state is WarmupState.CANCELLED
    assert cancelled.verified == waiting.verified, "a cancelled warm-up does not go on"


async def test_a_flood_wait_on_listing_pauses_the_warm_up_but_does_not_slow_its_checks(
    warm: Stage,
) -> None:
    cast(warm, subscribed=2, unsubscribed=2)
    await guarded(warm, members=())
    await warm.pass_time(301)  # what the first warm-up learnt has expired
    warm.sim.faults.flood_limit("GetParticipantsRequest", calls=1, per_seconds=30)
    warm.carol.send_anonymously(warm.group, "/verify")  # lists the group, then the channel
    await warm.settle()
    app = warm.app
    assert app is not None
    waiting = app.warmup.progress(warm.group.peer_id)
    assert waiting is not None and waiting.state is WarmupState.WAITING
    assert waiting.rate == RATE

    await warm.pass_time(31)
    done = app.warmup.progress(warm.group.peer_id)
    assert done is not None and done.state is WarmupState.DONE and done.rate == RATE
