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


def keyboard(text: str, kind: object) -> types.ReplyInlineMarkup:
    """One button, as a client sends it (Telethon's own Button checks the data first)."""
    button = types.KeyboardInlineButton(text=text, type=kind)
    return types.ReplyInlineMarkup(rows=[types.KeyboardInlineButtonRow(buttons=[button])])


async def test_a_button_carries_at_most_64_bytes_of_data_and_a_web_address(
    world: World, client: TelegramClient
) -> None:
    fits = keyboard("ok", types.InlineButtonTypeCallback(data=b"x" * 64))
    await client.send_message(world.group.entity, "fits", buttons=fits)

    too_much = keyboard("ok", types.InlineButtonTypeCallback(data=b"x" * 65))
    with pytest.raises(errors.ButtonDataInvalidError):
        await client.send_message(world.group.entity, "too much", buttons=too_much)
    nowhere = keyboard("go", types.InlineButtonTypeUrl(url="javascript:alert(1)"))
    with pytest.raises(errors.ButtonUrlInvalidError):
        await client.send_message(world.group.entity, "where?", buttons=nowhere)
    assert [m.text for m in world.group.messages()] == ["fits"]


async def test_a_name_that_cannot_be_a_username_is_invalid_an_unknown_one_unoccupied(
    client: TelegramClient,
) -> None:
    with pytest.raises(errors.UsernameInvalidError):
        await client(functions.contacts.ResolveUsernameRequest("no-such.name"))
    with pytest.raises(errors.UsernameNotOccupiedError):
        await client(functions.contacts.ResolveUsernameRequest("nobody_here"))
