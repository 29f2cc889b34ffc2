"""Work that Telegram made wait, or that failed half-way, is finished later and sensibly."""

from __future__ import annotations

from datetime import UTC

from gatekeeper.domain.model import BannedRights
from gatekeeper.sim.stage import Stage
from gatekeeper.telegram.participants import to_chat_banned_rights
from tests.scenarios.helpers import guarded, last_reply, notices_for, say


async def test_spam_posted_just_before_leaving_is_still_removed(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.latency(0.05)

    spam = stage.alice.send(stage.group, "buy my stuff")
    stage.alice.leave(stage.group)
    await stage.settle()

    assert stage.group.message(spam.id) is None


async def test_an_admin_whose_check_must_wait_keeps_his_message(stage: Stage) -> None:
    dave = stage.user("Dave")
    dave.join(stage.group)
    stage.group.promote(dave, by=stage.carol, delete_messages=True)
    await guarded(stage)
    assert stage.app is not None
    stage.app.registry.set_admin(stage.group.peer_id, dave.id, False)  # memory gone stale
    stage.sim.faults.flood_wait("GetParticipantRequest", 30, times=2)

    message = await say(stage, dave, stage.group, "admin speaking")
    await stage.pass_time(31)

    assert stage.group.message(message.id) is not None
    assert stage.group.can_write(dave)


async def test_a_notice_that_had_to_wait_is_sent_afterwards(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("SendMessageRequest", 10)

    await say(stage, stage.alice, stage.group, "hi")
    assert not stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == []

    await stage.pass_time(11)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_a_postponed_mute_is_decided_again_not_replayed(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("EditBannedRequest", 60)
    await say(stage, stage.alice, stage.group, "hi")

    stage.alice.join(stage.news)
    await stage.settle()
    await stage.pass_time(61)

    assert stage.group.can_write(stage.alice)


async def test_unprotect_finishes_releasing_even_when_one_release_fails(stage: Stage) -> None:
    crowd = [stage.user(f"Member {i}") for i in range(4)]
    for member in crowd:
        member.join(stage.group)
    await guarded(stage)
    for member in crowd:
        await say(stage, member, stage.group, "hi")
    assert not any(stage.group.can_write(m) for m in crowd)

    stage.sim.faults.error("EditBannedRequest", 400, "CHAT_NOT_MODIFIED", times=1)
    await say(stage, stage.carol, stage.group, "/unprotect")
    assert sum(stage.group.can_write(m) for m in crowd) == 3, "one failed, the rest went on"
    await stage.pass_time(31)

    assert all(stage.group.can_write(m) for m in crowd)
    await say(stage, stage.carol, stage.group, "/status")
    assert "Muted by me: 0" in last_reply(stage.group, stage.bot)


async def test_notices_whose_removal_had_to_wait_are_removed_later(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    stage.sim.faults.flood_wait("DeleteMessagesRequest", 20)

    await stage.pass_time(121)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    await stage.pass_time(21)

    assert notices_for(stage.group, stage.bot, stage.alice) == []


def test_restored_expiry_dates_are_sent_in_utc_whatever_the_hosts_timezone() -> None:
    rights = to_chat_banned_rights(BannedRights(frozenset({"send_media"}), until=1_800_000_000))
    assert rights.until_date.tzinfo is UTC
    assert rights.until_date.timestamp() == 1_800_000_000
