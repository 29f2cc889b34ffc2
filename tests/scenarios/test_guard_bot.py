"""The bot as the group's guard bot (Bot API 10.1): Telegram puts each request to it first,
before the admins see it, and the bot answers with bots.setJoinChatResults."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, say
from tests.scenarios.test_join_requests import asked, press


async def guard(stage: Stage) -> None:
    await guarded(stage)
    stage.group.set_guard_bot(stage.bot, by=stage.carol)


async def test_a_subscriber_s_request_is_approved_as_its_guard_bot(stage: Stage) -> None:
    await guard(stage)
    stage.bob.join(stage.news)

    stage.bob.request_join(stage.group)
    await stage.settle()

    assert stage.group.is_member(stage.bob) and stage.group.can_write(stage.bob)
    assert stage.sim.requests["SetJoinChatResultsRequest"] == 1
    assert stage.sim.requests["HideChatJoinRequestRequest"] == 0


async def test_a_requester_is_asked_first_then_queued_and_approved_once_he_joins(
    stage: Stage,
) -> None:
    await guard(stage)

    stage.bob.request_join(stage.group)
    await stage.settle()

    message = asked(stage, stage.bob)
    assert "@news" in message.text
    assert stage.group.join_requests() == [stage.bob.id], "queued: the admins see it now"
    assert not stage.group.is_member(stage.bob)

    stage.bob.join(stage.news)
    answer = await press(stage, stage.bob, message)

    assert "approved" in answer and stage.group.can_write(stage.bob)


async def test_a_request_to_a_group_it_does_not_protect_is_queued_for_the_admins(
    stage: Stage,
) -> None:
    await guard(stage)
    await say(stage, stage.carol, stage.group, "/unprotect")
    assert "off" in last_reply(stage.group, stage.bot).lower()
    stage.bob.join(stage.news)

    stage.bob.request_join(stage.group)
    await stage.settle()

    assert stage.group.join_requests() == [stage.bob.id] and not stage.group.is_member(stage.bob)
    assert stage.bob.private_messages_from(stage.bot) == []
