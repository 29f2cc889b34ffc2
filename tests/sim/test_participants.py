"""Listing and checking participants, with Telegram's visibility rules."""

from __future__ import annotations

import pytest
from telethon import TelegramClient, errors
from telethon.tl import functions, types

from tests.sim.conftest import World


async def test_group_lists_every_member_in_pages_of_200(
    world: World, client: TelegramClient
) -> None:
    for i in range(450):
        world.sim.create_user(f"Member{i}").join(world.group)
    world.sim.requests.clear()
    people = await client.get_participants(world.group.entity)
    assert len(people) == 450 + 3  # carol, bot, alice
    assert world.sim.requests["GetParticipantsRequest"] >= 3


async def test_broadcast_channel_lists_only_200_subscribers(
    world: World, client: TelegramClient
) -> None:
    for i in range(450):
        world.sim.create_user(f"Sub{i}").join(world.news)
    listed = [u async for u in client.iter_participants(world.news.entity)]
    assert len(listed) == 200


async def test_search_filter_and_admins_filter(world: World, client: TelegramClient) -> None:
    found = await client.get_participants(world.group.entity, search="ali")
    assert [u.id for u in found] == [world.alice.id]
    admins = await client.get_participants(
        world.group.entity, filter=types.ChannelParticipantsAdmins
    )
    assert {u.id for u in admins} == {world.carol.id, world.bot.id}


async def test_get_participant_of_non_member_raises(world: World, client: TelegramClient) -> None:
    stranger = world.sim.create_user("Stranger")
    with pytest.raises(errors.UserNotParticipantError):
        await client(functions.channels.GetParticipantRequest(world.news.entity, stranger.entity))
    world.alice.join(world.news)
    result = await client(
        functions.channels.GetParticipantRequest(world.news.entity, world.alice.entity)
    )
    assert isinstance(result.participant, types.ChannelParticipant)
    world.alice.leave(world.news)
    with pytest.raises(errors.UserNotParticipantError):
        await client(
            functions.channels.GetParticipantRequest(world.news.entity, world.alice.entity)
        )


async def test_bot_not_admin_in_channel_cannot_check_members(
    world: World, client: TelegramClient
) -> None:
    world.news.demote(world.bot, by=world.carol)
    with pytest.raises(errors.ChatAdminRequiredError):
        await client(
            functions.channels.GetParticipantRequest(world.news.entity, world.alice.entity)
        )
    with pytest.raises(errors.ChatAdminRequiredError):
        await client.get_participants(world.news.entity)


async def test_private_channel_without_the_bot_is_private(
    world: World, client: TelegramClient
) -> None:
    secret = world.sim.create_channel("Secret", owner=world.carol)
    with pytest.raises(errors.ChannelPrivateError):
        await client(functions.channels.GetParticipantRequest(secret.entity, world.alice.entity))


async def test_full_channel_reports_link_and_count(world: World, client: TelegramClient) -> None:
    full = await client(functions.channels.GetFullChannelRequest(world.news.entity))
    assert full.full_chat.linked_chat_id == world.group.id
    assert full.full_chat.participants_count == 2
    invite = await client(functions.messages.ExportChatInviteRequest(world.group.entity))
    assert invite.link.startswith("https://t.me/+")
    assert world.group.invite_links() == [invite.link]


async def test_get_channels_and_resolve_group_by_marked_id(
    world: World, client: TelegramClient
) -> None:
    chats = await client(functions.channels.GetChannelsRequest([world.group.entity]))
    assert chats.chats[0].megagroup
    assert world.sim.chat(world.group.peer_id) == world.group
