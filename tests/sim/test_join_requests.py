"""The sim handles join requests as Telegram does: who is told, the five minutes in which a bot
may write to a requester, the errors of hideChatJoinRequest, and guard bots."""

from __future__ import annotations

from typing import Any

import pytest
from telethon import TelegramClient, errors, events, functions, types

from tests.sim.conftest import World, collect


def hide(world: World, user: Any, approved: bool = True) -> Any:
    return functions.messages.HideChatJoinRequestRequest(
        world.group.entity, user.entity, approved=approved
    )


async def test_only_admin_bots_with_the_invite_right_hear_of_a_request(
    world: World, client: TelegramClient
) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.Raw(types.UpdateBotChatInviteRequester))
    bob, dave = world.sim.create_user("Bob"), world.sim.create_user("Dave")
    bob.request_join(world.group)
    await world.sim.settle()
    world.group.promote(world.bot, by=world.carol, ban_users=True, delete_messages=True)
    dave.request_join(world.group)
    await world.sim.settle()

    assert [(u.user_id, u.query_id) for u in seen] == [(bob.id, None)]
    assert seen[0].qts > 0 and seen[0].invite.request_needed
    assert world.group.join_requests() == [bob.id, dave.id]


async def test_a_bot_may_write_to_a_requester_for_five_minutes_until_the_request_is_handled(
    world: World, client: TelegramClient
) -> None:
    bob, dave = world.sim.create_user("Bob"), world.sim.create_user("Dave")
    with pytest.raises(errors.PeerIdInvalidError):
        await client.send_message(bob.entity, "hello stranger")
    bob.request_join(world.group)
    dave.request_join(world.group)
    await world.sim.settle()
    await client.send_message(bob.entity, "please join @news first")

    await client(hide(world, bob))
    with pytest.raises(errors.PeerIdInvalidError):
        await client.send_message(bob.entity, "handled: no more messages")
    world.clock.advance(300)
    with pytest.raises(errors.PeerIdInvalidError):
        await client.send_message(dave.entity, "five minutes are over")
    assert [m.text for m in bob.private_messages_from(world.bot)] == ["please join @news first"]


async def test_a_requester_who_blocked_the_bot_cannot_be_written_to(
    world: World, client: TelegramClient
) -> None:
    bob = world.sim.create_user("Bob")
    bob.block(world.bot)
    bob.request_join(world.group)
    await world.sim.settle()

    with pytest.raises(errors.UserIsBlockedError):
        await client.send_message(bob.entity, "please join @news first")


async def test_hiding_a_request_that_is_not_pending_or_for_a_user_in_too_many_chats_fails(
    world: World, client: TelegramClient
) -> None:
    bob = world.sim.create_user("Bob")
    with pytest.raises(errors.HideRequesterMissingError):
        await client(hide(world, bob))
    bob.request_join(world.group)
    bob.join(world.news)
    world.sim.world.channels_max = 1

    with pytest.raises(errors.UserChannelsTooMuchError):
        await client(hide(world, bob))
    assert world.group.join_requests() == [bob.id], "the request stays"

    await client(hide(world, bob, approved=False))
    assert world.group.join_requests() == [] and not world.group.is_member(bob)


async def test_an_approved_requester_arrives_with_the_service_message(
    world: World, client: TelegramClient
) -> None:
    bob = world.sim.create_user("Bob")
    bob.request_join(world.group)

    await client(hide(world, bob))

    assert world.group.is_member(bob)
    last = world.group.messages(include_service=True)[-1]
    assert isinstance(last.action, types.MessageActionChatJoinedByRequest)


async def test_a_guard_bot_alone_hears_a_request_with_a_query_and_answers_it(
    world: World, client: TelegramClient
) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.Raw(types.UpdateBotChatInviteRequester))
    world.group.set_guard_bot(world.bot, by=world.carol)
    bob, dave, erin = (world.sim.create_user(n) for n in ("Bob", "Dave", "Erin"))
    for user in (bob, dave, erin):
        user.request_join(world.group)
    await world.sim.settle()
    queries = {u.user_id: u.query_id for u in seen}
    assert all(queries.values()) and len(set(queries.values())) == 3
    assert world.group.join_requests() == [], "the admins see nothing before the guard bot"
    await client.send_message(bob.entity, "the guard bot may write to a requester too")

    approved = types.JoinChatBotResultApproved()
    await client(functions.bots.SetJoinChatResultsRequest(queries[bob.id], approved))
    queued = types.JoinChatBotResultQueued()
    await client(functions.bots.SetJoinChatResultsRequest(queries[dave.id], queued))
    declined = types.JoinChatBotResultDeclined()
    await client(functions.bots.SetJoinChatResultsRequest(queries[erin.id], declined))

    assert world.group.is_member(bob)
    assert world.group.join_requests() == [dave.id], "queued: now the admins' to decide"
    assert not world.group.is_member(erin)
    with pytest.raises(errors.QueryIdInvalidError):
        await client(functions.bots.SetJoinChatResultsRequest(queries[bob.id], approved))
    await client(hide(world, dave))
    assert world.group.is_member(dave)
