"""Updates reach the bot's real handlers; the bot's messages and buttons show up in the world."""

from __future__ import annotations

from typing import Any

from telethon import Button, TelegramClient, events
from telethon.tl import types

from tests.sim.conftest import World, collect


async def test_alice_message_reaches_new_message_handler(
    world: World, client: TelegramClient
) -> None:
    seen: list[tuple[Any, Any, str]] = []

    async def on_message(event: Any) -> None:
        seen.append((event.chat_id, event.sender_id, event.raw_text))

    client.add_event_handler(on_message, events.NewMessage)

    world.alice.send(world.group, "hello")
    world.carol.send_anonymously(world.group, "from the shadows")
    await world.sim.settle()
    assert seen == [
        (world.group.peer_id, world.alice.id, "hello"),
        (world.group.peer_id, world.group.peer_id, "from the shadows"),
    ]


async def test_channel_post_is_forwarded_into_linked_group(
    world: World, client: TelegramClient
) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.NewMessage(chats=[world.group.peer_id]))
    world.news.post("breaking")
    await world.sim.settle()
    assert len(seen) == 1
    assert seen[0].message.fwd_from.from_id.channel_id == world.news.id
    assert world.group.last_message() is not None
    assert world.group.last_message().text == "breaking"  # type: ignore[union-attr]


async def test_participant_update_reaches_raw_handler(world: World, client: TelegramClient) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.Raw(types.UpdateChannelParticipant))
    world.alice.join(world.news)
    world.alice.leave(world.news)
    await world.sim.settle()
    assert [(u.channel_id, u.user_id) for u in seen] == [(world.news.id, world.alice.id)] * 2
    assert seen[0].prev_participant is None and seen[0].new_participant is not None
    assert seen[1].new_participant is None


async def test_join_request_and_approval(world: World, client: TelegramClient) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.Raw(types.UpdateBotChatInviteRequester))
    bob = world.sim.create_user("Bob")
    bob.request_join(world.group)
    await world.sim.settle()
    assert [u.user_id for u in seen] == [bob.id]
    await client.send_message(bob.entity, "please subscribe to @news first")
    assert [m.text for m in bob.private_messages_from(world.bot)] == [
        "please subscribe to @news first"
    ]
    from telethon.tl import functions

    await client(
        functions.messages.HideChatJoinRequestRequest(world.group.entity, bob.entity, approved=True)
    )
    assert world.group.is_member(bob)
    assert world.group.join_requests() == []


async def test_buttons_press_and_answer(world: World, client: TelegramClient) -> None:
    async def on_press(event: Any) -> None:
        await event.answer(f"checked {event.data.decode()} for {event.sender_id}", alert=True)

    client.add_event_handler(on_press, events.CallbackQuery)

    sent = await client.send_message(
        world.group.entity,
        "Join @news to talk here",
        buttons=[
            [Button.inline("I have joined", b"verify:1")],
            [Button.url("News", "https://t.me/news")],
        ],
    )
    msg = world.group.message(sent.id)
    assert msg is not None
    assert [[(b.kind, b.text) for b in row] for row in msg.buttons] == [
        [("callback", "I have joined")],
        [("url", "News")],
    ]
    query = await world.alice.press(msg)
    assert query.answered and query.alert
    assert query.answer_text == f"checked verify:1 for {world.alice.id}"
    assert world.sim.callback_answers == [query]

    await client.delete_messages(world.group.entity, [sent.id])
    await world.sim.settle()
    assert world.group.message(sent.id) is None


async def test_bot_edits_its_message_and_deletes_others(
    world: World, client: TelegramClient
) -> None:
    sent = await client.send_message(world.group.entity, "v1")
    await client.edit_message(world.group.entity, sent.id, "v2")
    assert world.group.message(sent.id).text == "v2"  # type: ignore[union-attr]
    spam = world.alice.send(world.group, "spam")
    await client.delete_messages(world.group.entity, [spam.id])
    await world.sim.settle()
    assert [m.text for m in world.group.messages()] == ["v2"]


async def test_private_start_reaches_bot_and_bot_replies(
    world: World, client: TelegramClient
) -> None:
    async def on_start(event: Any) -> None:
        await event.respond("hi")

    client.add_event_handler(on_start, events.NewMessage(pattern="/start"))

    world.alice.start_private(world.bot)
    await world.sim.settle()
    assert [m.text for m in world.alice.private_messages_from(world.bot)] == ["hi"]
