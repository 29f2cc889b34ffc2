"""Telegram rules the bot depends on: listing caps, bot commands, participant updates, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from telethon import TelegramClient, errors, events
from telethon.tl import functions, types

from gatekeeper.sim import Participant, Role
from gatekeeper.sim.rpc_channels import SUPERGROUP_LIST_MAX
from tests.sim.conftest import World, collect


async def test_supergroup_lists_at_most_10000_participants(
    world: World, client: TelegramClient
) -> None:
    assert SUPERGROUP_LIST_MAX == 10_000
    now = world.sim.ops.now()
    for i in range(10_050):  # straight into the world: no updates, no service messages
        user = world.sim.create_user(f"Member{i}")
        world.group.state.participants[user.id] = Participant(user.id, Role.MEMBER, now)
    people = await client.get_participants(world.group.entity)
    assert len(people) == 10_000
    assert people.total == 10_053  # the count still tells the truth (with carol, bot, alice)
    assert len({u.id for u in people}) == 10_000
    assert world.sim.requests["GetParticipantsRequest"] >= 50  # pages of 200


async def test_set_bot_commands_returns_true_and_is_recorded(
    world: World, client: TelegramClient
) -> None:
    result = await client(
        functions.bots.SetBotCommandsRequest(
            scope=types.BotCommandScopeDefault(),
            lang_code="",
            commands=[
                types.BotCommand("protect", "Require a channel subscription"),
                types.BotCommand("status", "Show the settings"),
            ],
        )
    )
    assert result is True
    assert world.bot.state.commands == [
        ("protect", "Require a channel subscription"),
        ("status", "Show the settings"),
    ]
    assert world.sim.requests["SetBotCommandsRequest"] == 1


async def test_kick_restrict_and_promote_reach_a_raw_handler(
    world: World, client: TelegramClient
) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.Raw(types.UpdateChannelParticipant))
    bob = world.sim.create_user("Bob")
    bob.join(world.group)
    await world.sim.settle()
    seen.clear()

    await client.edit_permissions(world.group.entity, world.alice.entity, send_messages=False)
    await client.kick_participant(world.group.entity, bob.entity)
    world.group.promote(world.alice, by=world.carol, delete_messages=True)
    await world.sim.settle()

    def shape(u: Any) -> tuple[Any, ...]:
        return (u.user_id, u.actor_id, _kind(u.prev_participant), _kind(u.new_participant))

    assert [shape(u) for u in seen] == [
        (world.alice.id, world.bot.id, "ChannelParticipant", "ChannelParticipantBanned"),
        (bob.id, world.bot.id, "ChannelParticipant", "ChannelParticipantBanned"),  # banned...
        (bob.id, world.bot.id, "ChannelParticipantBanned", None),  # ...then unbanned: gone
        (world.alice.id, world.carol.id, "ChannelParticipantBanned", "ChannelParticipantAdmin"),
    ]
    assert all(u.channel_id == world.group.id for u in seen)
    muted, banned, _, promoted = (u.new_participant for u in seen)
    assert muted.banned_rights.send_messages and not muted.left
    assert muted.kicked_by == world.bot.id
    assert banned.banned_rights.view_messages and banned.left
    assert promoted.admin_rights.delete_messages and not promoted.admin_rights.ban_users
    assert promoted.promoted_by == world.carol.id


def _kind(participant: Any) -> str | None:
    return type(participant).__name__ if participant is not None else None


async def test_deleting_anothers_message_needs_the_delete_right(
    world: World, client: TelegramClient
) -> None:
    world.group.promote(world.bot, by=world.carol, ban_users=True, invite_users=True)
    spam = world.alice.send(world.group, "spam")
    with pytest.raises(errors.MessageDeleteForbiddenError):
        await client.delete_messages(world.group.entity, [spam.id])
    assert world.group.message(spam.id) is not None
    own = await client.send_message(world.group.entity, "mine")
    await client.delete_messages(world.group.entity, [own.id])  # its own: always
    assert world.group.message(own.id) is None


async def test_approving_a_join_request_needs_the_invite_right(
    world: World, client: TelegramClient
) -> None:
    world.group.promote(world.bot, by=world.carol, ban_users=True, delete_messages=True)
    bob = world.sim.create_user("Bob")
    bob.request_join(world.group)
    with pytest.raises(errors.ChatAdminRequiredError):
        await client(
            functions.messages.HideChatJoinRequestRequest(
                world.group.entity, bob.entity, approved=True
            )
        )
    assert not world.group.is_member(bob)
    assert world.group.join_requests() == [bob.id]


async def test_a_reply_s_message_is_fetched_as_telegram_answers_input_message_reply_to(
    world: World, client: TelegramClient
) -> None:
    first = world.alice.send(world.group, "hello")
    answer = world.carol.send(world.group, "/allow", reply_to=first.id)
    (message,) = await client.get_messages(world.group.peer_id, ids=[answer.id])

    replied = await message.get_reply_message()

    assert replied.id == first.id and replied.sender_id == world.alice.id
