"""Reconciliation: what the bot never heard of (updates lost, or it was down) is set right at
start and then periodically."""

from __future__ import annotations

from gatekeeper.domain.model import BotState
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say

INTERVAL = 3600.0  # the default reconcile_interval


async def muted_alice(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hello")
    assert not stage.group.can_write(stage.alice)


async def test_a_muted_member_who_subscribed_unseen_is_released_by_the_next_pass(
    stage: Stage,
) -> None:
    await muted_alice(stage)
    with stage.updates_lost():
        stage.alice.join(stage.news)
    await stage.pass_time(60)
    assert not stage.group.can_write(stage.alice), "nothing told the bot yet"

    await stage.pass_time(INTERVAL)

    assert stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == []


async def test_a_muted_member_who_left_unseen_is_forgotten_with_their_notice(
    stage: Stage,
) -> None:
    await muted_alice(stage)
    with stage.updates_lost():
        stage.alice.leave(stage.group)

    await stage.pass_time(INTERVAL)

    assert stage.app is not None
    assert stage.app.registry.restrictions_in(stage.group.peer_id) == []
    assert notices_for(stage.group, stage.bot, stage.alice) == []
    stage.alice.join(stage.group)  # back, still unsubscribed: the gate meets them afresh
    await stage.settle()
    assert not stage.group.can_write(stage.alice)
    assert stage.app.registry.restriction(stage.group.peer_id, stage.alice.id) is not None


async def test_a_group_the_bot_was_removed_from_unseen_is_marked_and_costs_no_more_work(
    stage: Stage,
) -> None:
    await muted_alice(stage)
    with stage.updates_lost():
        stage.group.demote(stage.bot, by=stage.carol)
        stage.carol.kick(stage.group, stage.bot)

    await stage.pass_time(INTERVAL)

    assert stage.app is not None
    assert stage.app.registry.rules[stage.group.peer_id].bot_state is BotState.REMOVED
    before = sum(stage.sim.requests.values())
    await stage.pass_time(INTERVAL)
    asked = sum(stage.sim.requests.values()) - before
    assert asked == 0


async def test_a_channel_where_the_bot_lost_its_rights_unseen_is_marked_unhealthy(
    stage: Stage,
) -> None:
    await muted_alice(stage)
    with stage.updates_lost():
        stage.news.demote(stage.bot, by=stage.carol)

    await stage.pass_time(INTERVAL)

    assert stage.app is not None
    link = stage.app.registry.rules[stage.group.peer_id].link(stage.news.peer_id)
    assert link is not None and not link.healthy
    stage.bob.join(stage.group)
    await say(stage, stage.bob, stage.group, "not subscribed, but the bot cannot check")
    assert stage.group.can_write(stage.bob)
