"""Injected faults and a restart that catches up on what was missed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from telethon import TelegramClient, errors, events
from telethon.tl import functions, types

from tests.sim.conftest import World


async def test_flood_wait_raises_with_seconds(world: World, client: TelegramClient) -> None:
    world.sim.faults.flood_wait(functions.channels.EditBannedRequest, 120)
    with pytest.raises(errors.FloodWaitError) as caught:
        await client.edit_permissions(world.group.entity, world.alice.entity, send_messages=False)
    assert caught.value.seconds == 120
    assert world.group.can_write(world.alice)


async def test_injected_error_then_recovery(world: World, client: TelegramClient) -> None:
    world.sim.faults.error("GetParticipantRequest", 400, "CHANNEL_INVALID", times=1)
    request = functions.channels.GetParticipantRequest(world.group.entity, world.alice.entity)
    with pytest.raises(errors.ChannelInvalidError):
        await client(request)
    result = await client(request)
    assert isinstance(result.participant, types.ChannelParticipant)
    assert world.sim.requests["GetParticipantRequest"] == 2


async def test_a_dropped_connection_is_resent_and_carried_out_twice(
    world: World, client: TelegramClient
) -> None:
    world.sim.faults.drop_connection()
    request = functions.channels.GetParticipantRequest(world.group.entity, world.alice.entity)
    result = await client(request)
    assert isinstance(result.participant, types.ChannelParticipant), "the caller sees no error"
    assert world.sim.requests["GetParticipantRequest"] == 2, "Telegram carried it out twice"
    assert client.is_connected()


async def test_a_message_resent_after_a_dropped_connection_is_posted_once(
    world: World, client: TelegramClient
) -> None:
    world.sim.faults.drop_connection(times=2)
    sent = await client.send_message(world.group.entity, "hello")
    assert world.sim.requests["SendMessageRequest"] == 3
    posted = [m for m in world.group.messages() if m.text == "hello"]
    assert [m.id for m in posted] == [sent.id], "the same random_id: the message first sent"


async def test_a_message_sent_again_on_purpose_is_a_new_message(
    world: World, client: TelegramClient
) -> None:
    await client.send_message(world.group.entity, "twice")
    await client.send_message(world.group.entity, "twice")
    assert len([m for m in world.group.messages() if m.text == "twice"]) == 2


async def test_a_lost_connection_fails_the_request_and_disconnects_the_client(
    world: World, client: TelegramClient
) -> None:
    disconnected = client.disconnected
    world.sim.faults.lose_connection()
    with pytest.raises(ConnectionError, match="failed 5 time"):
        await client.get_participants(world.group.entity)
    assert not client.is_connected()
    with pytest.raises(ConnectionError):
        await disconnected  # what run_until_disconnected() raises
    with pytest.raises(ConnectionError):
        await client.get_me()
    await client.connect()
    assert (await client.get_me()).id == world.bot.id, "connecting again works"


async def test_latency_delays_answers(world: World, client: TelegramClient) -> None:
    world.sim.faults.latency(0.01)
    me = await client.get_me(input_peer=False)
    assert me.id == world.bot.id


async def test_restart_with_session_file_catches_up(world: World, tmp_path: Path) -> None:
    session = str(tmp_path / "bot.session")
    first = world.sim.client(world.bot, session, catch_up=True)
    await first.start(bot_token=world.bot.token)
    world.alice.send(world.group, "before")
    await world.sim.settle()
    await first.disconnect()

    world.alice.send(world.group, "while offline")
    world.alice.start_private(world.bot, "/start offline")
    seen: list[str] = []
    second = world.sim.client(world.bot, session, catch_up=True)

    async def remember(event: Any) -> None:
        seen.append(event.raw_text)

    second.add_event_handler(remember, events.NewMessage)
    await second.start(bot_token=world.bot.token)
    await world.sim.settle()
    assert sorted(seen) == ["/start offline", "while offline"]
    assert world.sim.requests["ImportBotAuthorizationRequest"] == 1  # the session stayed logged in
    await second.disconnect()


async def test_a_lost_update_is_fetched_by_channel_difference(
    world: World, client: TelegramClient
) -> None:
    seen: list[str] = []

    async def remember(event: Any) -> None:
        seen.append(event.raw_text)

    client.add_event_handler(remember, events.NewMessage)
    world.alice.send(world.group, "first")  # the client now tracks the group's pts
    await world.sim.settle()
    world.sim.detach(client._sender)  # the push of the next message is lost on the way
    world.alice.send(world.group, "lost")
    world.sim.attach(client._sender)
    world.alice.send(world.group, "next")
    await world.sim.settle()
    assert seen == ["first", "lost", "next"]
    assert world.sim.requests["GetChannelDifferenceRequest"] == 1
