"""`/settings pending accept`: a member who asked to join the group's private channel, which
approves members, has done all they can, and may write while the request waits."""

from __future__ import annotations

from gatekeeper.sim import SimChat
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, protect, say


async def club_required(stage: Stage, *settings: str) -> SimChat:
    """The group requires @news and "Club", a private channel that approves its members."""
    club = stage.sim.create_channel("Club", owner=stage.carol, username=None)
    stage.make_admin(club)
    stage.alice.join(stage.news)
    await guarded(stage)
    await protect(stage, club)
    for setting in settings:
        await say(stage, stage.carol, stage.group, f"/settings {setting}")
    await say(stage, stage.alice, stage.group, "hello?")
    assert not stage.group.can_write(stage.alice), "Alice is not in the Club"
    return club


async def test_a_muted_member_who_asks_to_join_the_private_channel_may_write(
    stage: Stage,
) -> None:
    club = await club_required(stage, "pending accept")
    await say(stage, stage.carol, stage.group, "/settings")
    assert "private channel: counts as joined" in last_reply(stage.group, stage.bot)

    stage.alice.request_join(club)
    await stage.settle()

    assert stage.group.can_write(stage.alice), "she did all she can"
    assert not club.is_member(stage.alice) and club.join_requests() == [stage.alice.id]
    kept = await say(stage, stage.alice, stage.group, "asked to join the Club")
    assert stage.group.message(kept.id) is not None


async def test_without_the_setting_a_pending_request_is_not_enough(stage: Stage) -> None:
    club = await club_required(stage)

    stage.alice.request_join(club)
    await stage.settle()
    await stage.pass_time(60)

    assert not stage.group.can_write(stage.alice), "still muted: asking is not joining"


async def test_a_pending_request_counts_after_a_restart_and_no_longer_after_a_week(
    stage: Stage,
) -> None:
    club = await club_required(stage, "pending accept")
    stage.alice.request_join(club)
    await stage.settle()

    await stage.restart()
    kept = await say(stage, stage.alice, stage.group, "still waiting for the Club")
    assert stage.group.message(kept.id) is not None

    stage.carol.decline_join(club, stage.alice)  # bots are not told
    await stage.pass_time(8 * 86400)
    gone = await say(stage, stage.alice, stage.group, "a week later")

    assert stage.group.message(gone.id) is None and not stage.group.can_write(stage.alice)


async def test_once_the_channel_approves_her_the_request_is_forgotten(stage: Stage) -> None:
    club = await club_required(stage, "pending accept")
    stage.alice.request_join(club)
    await stage.settle()

    stage.carol.approve_join(club, stage.alice)
    await stage.settle()
    assert stage.app is not None
    assert stage.app.joins.pending.get(club.peer_id, stage.alice.id) is None
    assert stage.group.can_write(stage.alice)
