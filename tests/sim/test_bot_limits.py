"""What Telegram keeps from a bot account, as the sim answers it."""

from __future__ import annotations

import pytest
from telethon import TelegramClient, errors, functions, types

from tests.sim.conftest import World


async def test_a_bot_may_not_read_a_chats_history_or_its_dialogs(
    world: World, client: TelegramClient
) -> None:
    world.alice.send(world.group, "hi")
    await world.sim.settle()

    with pytest.raises(errors.BotMethodInvalidError):
        await client.get_messages(world.group.entity, limit=10)
    with pytest.raises(errors.BotMethodInvalidError):
        await client.get_dialogs()
    with pytest.raises(errors.BotMethodInvalidError):
        await client.get_messages(world.group.entity, search="hi")


async def test_a_bot_may_read_messages_it_names_by_id(world: World, client: TelegramClient) -> None:
    sent = world.alice.send(world.group, "hi")
    await world.sim.settle()

    (message,) = await client.get_messages(world.group.entity, ids=[sent.id])

    assert message.message == "hi"


async def test_a_bot_may_not_name_a_user_or_chat_by_a_message_they_were_seen_in(
    world: World, client: TelegramClient
) -> None:
    sent = world.alice.send(world.group, "hi")
    await world.sim.settle()
    group = types.InputPeerChannel(world.group.id, world.group.state.access_hash)
    alice = types.InputUserFromMessage(group, sent.id, world.alice.id)

    with pytest.raises(errors.FromMessageBotDisabledError):
        await client(functions.users.GetUsersRequest([alice]))
    with pytest.raises(errors.FromMessageBotDisabledError):
        await client(functions.channels.GetParticipantRequest(group, alice))
    channel = types.InputChannelFromMessage(group, sent.id, world.group.id)
    with pytest.raises(errors.FromMessageBotDisabledError):
        await client(functions.channels.GetFullChannelRequest(channel))
