"""Naming a user or channel takes the access hash Telegram gave this account: a wrong or
missing one is refused as Telegram refuses it, and Telethon cannot name a stranger."""

from __future__ import annotations

import pytest
from telethon import TelegramClient, errors, functions, types

from tests.sim.conftest import World


async def test_a_member_named_with_a_wrong_or_missing_access_hash_is_refused(
    world: World, client: TelegramClient
) -> None:
    group = types.InputChannel(world.group.id, world.group.access_hash)
    for access_hash in (world.alice.access_hash + 1, 0):
        alice = types.InputUser(world.alice.id, access_hash)
        with pytest.raises(errors.UserIdInvalidError):
            await client(functions.channels.GetParticipantRequest(group, alice))
    right = types.InputUser(world.alice.id, world.alice.access_hash)
    found = await client(functions.channels.GetParticipantRequest(group, right))
    assert found.participant.user_id == world.alice.id


async def test_a_channel_named_with_a_wrong_access_hash_is_refused(
    world: World, client: TelegramClient
) -> None:
    for access_hash in (world.group.access_hash + 1, 0):
        group = types.InputChannel(world.group.id, access_hash)
        with pytest.raises(errors.ChannelInvalidError):
            await client(functions.channels.GetFullChannelRequest(group))


async def test_get_channels_takes_hash_zero_only_for_a_chat_the_bot_is_in(
    world: World, client: TelegramClient
) -> None:
    elsewhere = world.sim.create_channel("Elsewhere", owner=world.carol)
    found = await client(
        functions.channels.GetChannelsRequest([types.InputChannel(world.group.id, 0)])
    )
    assert [chat.id for chat in found.chats] == [world.group.id]
    with pytest.raises(errors.ChannelInvalidError):
        await client(functions.channels.GetChannelsRequest([types.InputChannel(elsewhere.id, 0)]))


async def test_telethon_cannot_name_a_member_it_never_saw_unless_they_wrote_privately(
    world: World, client: TelegramClient
) -> None:
    with pytest.raises(ValueError):
        await client.get_input_entity(world.alice.id)

    world.alice.start_private(world.bot)
    fresh = world.sim.client(world.bot, flood_sleep_threshold=0)
    await fresh.start(bot_token=world.bot.token)
    try:
        peer = await fresh.get_input_entity(world.alice.id)
        assert peer == types.InputPeerUser(world.alice.id, world.alice.access_hash)
    finally:
        await fresh.disconnect()
