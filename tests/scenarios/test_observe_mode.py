"""An admin tries the bot on a live group without risk: it watches, counts, and acts on nobody."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, say


async def observing(stage: Stage) -> None:
    """Alice and Bob (neither subscribed) are in the group; Carol protects it, then observes."""
    stage.bob.join(stage.group)
    await guarded(stage, [stage.alice, stage.bob])
    await say(stage, stage.carol, stage.group, "/settings mode observe")


async def status(stage: Stage) -> str:
    await say(stage, stage.carol, stage.group, "/status")
    return last_reply(stage.group, stage.bot)


async def test_in_observe_mode_an_unsubscribed_member_writes_freely_and_is_counted(
    stage: Stage,
) -> None:
    await observing(stage)
    assert "Observe mode" in last_reply(stage.group, stage.bot)

    first = await say(stage, stage.alice, stage.group, "hello")
    second = await say(stage, stage.alice, stage.group, "still here")
    third = await say(stage, stage.bob, stage.group, "me too")

    for message in (first, second, third):
        assert stage.group.message(message.id) is not None, "nothing is deleted"
    assert stage.group.can_write(stage.alice) and stage.group.can_write(stage.bob)
    assert notices_for(stage.group, stage.bot, stage.alice) == []
    assert notices_for(stage.group, stage.bot, stage.bob) == []
    assert "would have muted 2 members" in await status(stage), "each member counted once"


async def test_observe_mode_and_its_count_survive_a_restart(stage: Stage) -> None:
    await observing(stage)
    await say(stage, stage.alice, stage.group, "hello")

    await stage.restart()
    await say(stage, stage.alice, stage.group, "hello again")
    message = await say(stage, stage.bob, stage.group, "hi")

    assert stage.group.message(message.id) is not None and stage.group.can_write(stage.bob)
    assert "would have muted 2 members" in await status(stage)


async def test_the_count_is_today_s(stage: Stage) -> None:
    await observing(stage)
    await say(stage, stage.alice, stage.group, "hello")
    assert "would have muted 1 member." in await status(stage)

    await stage.pass_time(24 * 3600)

    assert "would have muted 0 members" in await status(stage)
    await say(stage, stage.alice, stage.group, "a new day")
    assert "would have muted 1 member." in await status(stage)


async def test_switching_to_enforce_mutes_nobody_for_the_past(stage: Stage) -> None:
    await observing(stage)
    await say(stage, stage.alice, stage.group, "hello")
    await say(stage, stage.bob, stage.group, "hi")

    await say(stage, stage.carol, stage.group, "/settings mode enforce")
    assert "nobody is muted for the past" in last_reply(stage.group, stage.bot)
    await stage.pass_time(600)

    assert stage.group.can_write(stage.alice) and stage.group.can_write(stage.bob), "no storm"
    assert stage.sim.requests["EditBannedRequest"] == 0
    gone = await say(stage, stage.alice, stage.group, "and now?")
    assert stage.group.message(gone.id) is None and not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    assert stage.group.can_write(stage.bob), "Bob meets the gate when he next writes"


async def test_leaving_a_channel_in_observe_mode_mutes_nobody(stage: Stage) -> None:
    stage.alice.join(stage.news)
    await observing(stage)
    await say(stage, stage.alice, stage.group, "subscribed, so fine")

    stage.alice.leave(stage.news)
    await stage.settle()

    assert stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == []
    assert "would have muted 1 member." in await status(stage)


async def test_a_member_muted_before_observe_mode_is_still_released_on_joining(
    stage: Stage,
) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hello")
    assert not stage.group.can_write(stage.alice)

    await say(stage, stage.carol, stage.group, "/settings mode observe")
    assert "stay muted until they join" in last_reply(stage.group, stage.bot)
    stage.alice.join(stage.news)
    await stage.settle()

    assert stage.group.can_write(stage.alice), "lifting its own mute is never a risk"


async def test_no_one_is_removed_in_observe_mode(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings kick 1h")
    await say(stage, stage.alice, stage.group, "hello")
    await say(stage, stage.carol, stage.group, "/settings mode observe")

    await stage.pass_time(2 * 3600)

    assert stage.group.is_member(stage.alice)


async def test_mode_takes_only_observe_or_enforce_and_only_from_admins(stage: Stage) -> None:
    await guarded(stage)

    await say(stage, stage.carol, stage.group, "/settings mode watch")
    refused = last_reply(stage.group, stage.bot)
    await say(stage, stage.alice, stage.group, "/settings mode observe")

    assert "mode must be observe" in refused
    await say(stage, stage.carol, stage.group, "/settings")
    assert "mode: enforce" in last_reply(stage.group, stage.bot)


async def test_join_requests_are_left_to_the_admins_in_observe_mode(stage: Stage) -> None:
    await observing(stage)
    await say(stage, stage.carol, stage.group, "/settings decline 1h")
    dave, eve = stage.user("Dave"), stage.user("Eve")
    eve.join(stage.news)

    dave.request_join(stage.group)
    eve.request_join(stage.group)
    await stage.settle()
    await stage.pass_time(2 * 3600)

    assert sorted(stage.group.join_requests()) == sorted([dave.id, eve.id]), "none decided"
    assert dave.private_messages_from(stage.bot) == [], "nobody is asked"
