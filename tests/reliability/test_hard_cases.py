"""Hard cases: stale memory, lost updates, races and expiring rights. The bot stays safe."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, say


async def test_a_command_word_does_not_open_the_gate(stage: Stage) -> None:
    await guarded(stage)
    before = len([m for m in stage.group.messages() if m.sender_user_id == stage.bot.id])

    spam = await say(stage, stage.alice, stage.group, "/help BUY CRYPTO at scam.example")

    assert stage.group.message(spam.id) is None
    assert not stage.group.can_write(stage.alice)
    replies = [m for m in stage.group.messages() if m.sender_user_id == stage.bot.id]
    assert len(replies) == before + 1 and replies[-1].buttons, "only the notice, no help text"


async def test_a_subscribed_member_asking_for_status_is_refused_once_a_minute(
    stage: Stage,
) -> None:
    stage.alice.join(stage.news)
    await guarded(stage)

    for _ in range(3):
        await say(stage, stage.alice, stage.group, "/status")

    refusals = [m for m in stage.group.messages() if "Only this group's admins" in m.text]
    assert len(refusals) == 1


async def test_an_admin_unknown_to_the_bots_memory_keeps_his_message(stage: Stage) -> None:
    dave = stage.user("Dave")
    dave.join(stage.group)
    stage.group.promote(dave, by=stage.carol, delete_messages=True)
    await guarded(stage)
    stage.sim.faults.error("GetParticipantsRequest", 420, "FLOOD_WAIT_400", times=1)
    await stage.restart()  # the admin list fails to load

    message = await say(stage, dave, stage.group, "admin, not subscribed")

    assert stage.group.message(message.id) is not None
    assert stage.group.can_write(dave)


async def test_a_channel_linked_after_protection_has_its_forwards_kept(stage: Stage) -> None:
    await guarded(stage)

    stage.news.link_discussion(stage.group)
    stage.news.post("news of the day")
    await stage.settle()

    assert any(m.fwd_from_chat_id == stage.news.id for m in stage.group.messages())


async def test_an_admin_mute_made_while_the_bot_was_blind_is_not_lifted(
    tmp_path: Path,
) -> None:
    # No session file: updates missed while the bot is down are lost for good.
    stage = Stage(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        await guarded(stage)
        await say(stage, stage.alice, stage.group, "hi")
        await stage.stop()
        stage.carol.restrict(stage.group, stage.alice, send_messages=True, send_media=True)
        await stage.start()

        stage.alice.join(stage.news)
        await stage.settle()

        participant = stage.group.participant(stage.alice)
        assert participant is not None
        assert {"send_messages", "send_media"} <= participant.banned_rights
        assert not stage.group.can_write(stage.alice)
    finally:
        await stage.stop()


async def test_a_restriction_that_expired_meanwhile_is_not_brought_back_forever(
    stage: Stage,
) -> None:
    await guarded(stage)
    tomorrow = int(stage.clock.now()) + 86_400
    stage.carol.restrict(stage.group, stage.alice, until=tomorrow, send_photos=True)
    await stage.settle()
    await say(stage, stage.alice, stage.group, "hi")
    assert not stage.group.can_write(stage.alice)

    await stage.pass_time(2 * 86_400)
    stage.alice.join(stage.news)
    await stage.settle()

    participant = stage.group.participant(stage.alice)
    assert participant is not None and participant.banned_rights == frozenset()


async def test_another_bot_writing_is_neither_deleted_nor_muted(stage: Stage) -> None:
    await guarded(stage)
    helper = stage.sim.create_bot("helper_bot")
    helper.join(stage.group)
    await stage.settle()

    message = await say(stage, helper, stage.group, "beep")

    assert stage.group.message(message.id) is not None
    assert stage.group.can_write(helper)


async def test_joining_the_channel_while_the_mute_is_under_way_still_frees_her(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.latency(0.05)

    stage.alice.send(stage.group, "hi")
    await asyncio.sleep(0.08)  # the bot is half-way through muting her
    stage.alice.join(stage.news)
    await stage.settle()

    assert stage.group.can_write(stage.alice)


async def test_a_burst_of_messages_on_a_broken_link_warns_the_admins_once(
    stage: Stage,
) -> None:
    crowd = [stage.user(f"Member {i}") for i in range(6)]
    for member in crowd:
        member.join(stage.group)
    await guarded(stage)
    stage.sim.faults.error("GetParticipantRequest", 400, "CHAT_ADMIN_REQUIRED", times=6)

    for member in crowd:
        member.send(stage.group, "all at once")
    await stage.settle()

    warnings = [m for m in stage.group.messages() if "I can no longer check" in m.text]
    assert len(warnings) == 1
    assert all(stage.group.can_write(member) for member in crowd)


async def test_a_member_who_joined_while_the_bot_was_blind_is_freed_when_it_heals(
    stage: Stage,
) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    stage.news.demote(stage.bot, by=stage.carol)
    await stage.settle()

    stage.alice.join(stage.news)  # the bot cannot see this
    await stage.settle()
    stage.make_admin(stage.news)
    await stage.settle()

    assert stage.group.can_write(stage.alice)


async def test_after_a_restart_old_notices_still_go_and_qualified_members_are_freed(
    stage: Stage,
) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1

    await stage.stop()
    stage.clock.advance(200)  # past the notice's lifetime, while the bot is away
    await stage.start()
    await stage.pass_time(1)

    assert notices_for(stage.group, stage.bot, stage.alice) == []
    await say(stage, stage.carol, stage.group, "/status")
    assert "Muted by me: 1" in last_reply(stage.group, stage.bot)
