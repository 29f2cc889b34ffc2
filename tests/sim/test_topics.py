"""Forum topics as Telegram shows them to a bot: the reply header says which topic."""

from __future__ import annotations

from typing import Any

import pytest
from telethon import TelegramClient, events, types

from gatekeeper.sim import SimRefused
from tests.sim.conftest import World, collect


async def test_messages_carry_their_topic_and_general_carries_none(
    world: World, client: TelegramClient
) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.NewMessage())
    with pytest.raises(SimRefused):
        world.group.create_topic("Too early", by=world.carol)
    world.group.enable_topics(by=world.carol)
    books = world.group.create_topic("Books", by=world.carol)

    straight = world.alice.send(world.group, "in books", reply_to=books)
    deeper = world.alice.send(world.group, "a reply there", reply_to=straight.id)
    general = world.alice.send(world.group, "hello all")
    await world.sim.settle()

    assert (straight.topic, deeper.topic, general.topic) == (books, books, None)
    headers = {event.message.id: event.message.reply_to for event in seen}
    first, second = headers[straight.id], headers[deeper.id]
    assert isinstance(first, types.MessageReplyHeader) and first.forum_topic
    assert (first.reply_to_msg_id, first.reply_to_top_id) == (books, None)
    assert second.forum_topic and (second.reply_to_msg_id, second.reply_to_top_id) == (
        straight.id,
        books,
    )
    assert headers[general.id] is None
    assert (await client.get_entity(world.group.peer_id)).forum


async def test_the_bot_writes_in_the_topic_it_replies_in(
    world: World, client: TelegramClient
) -> None:
    world.group.enable_topics(by=world.carol)
    games = world.group.create_topic("Games", by=world.carol)
    question = world.alice.send(world.group, "who plays?", reply_to=games)

    in_topic = await client.send_message(world.group.peer_id, "me", reply_to=question.id)
    at_top = await client.send_message(world.group.peer_id, "and me", reply_to=games)
    in_general = await client.send_message(world.group.peer_id, "everyone")

    landed = [world.group.message(m.id) for m in (in_topic, at_top, in_general)]
    assert [m.topic if m else "gone" for m in landed] == [games, games, None]
    assert world.group.topic_messages(games) == [question, landed[0], landed[1]]
