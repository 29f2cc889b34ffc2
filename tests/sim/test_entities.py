"""Text messages carry the entities Telegram's server detects, counted in UTF-16 code units."""

from __future__ import annotations

from typing import Any

from telethon import TelegramClient, events
from telethon.tl import types

from gatekeeper.sim.text_entities import detect_entities
from tests.sim.conftest import World, collect


def kinds(text: str) -> list[tuple[str, int, int]]:
    return [(type(e).__name__, e.offset, e.length) for e in detect_entities(text)]


async def test_command_mention_and_link_reach_the_handler(
    world: World, client: TelegramClient
) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.NewMessage)
    world.alice.send(world.group, "/protect@bot @news https://t.me/x")
    await world.sim.settle()
    [event] = seen
    entities = event.message.entities
    assert [(type(e), e.offset, e.length) for e in entities] == [
        (types.MessageEntityBotCommand, 0, 12),
        (types.MessageEntityMention, 13, 5),
        (types.MessageEntityUrl, 19, 14),
    ]
    assert [text for _, text in event.message.get_entities_text()] == [
        "/protect@bot",
        "@news",
        "https://t.me/x",
    ]


async def test_plain_text_has_no_entities(world: World, client: TelegramClient) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.NewMessage)
    world.alice.send(world.group, "just words, nothing else")
    await world.sim.settle()
    assert seen[0].message.entities is None


async def test_the_bots_own_message_gets_entities_too(world: World, client: TelegramClient) -> None:
    sent = await client.send_message(world.group.entity, "Join @news first", parse_mode=None)
    assert [(type(e), e.offset) for e in sent.entities] == [(types.MessageEntityMention, 5)]


def test_offsets_count_utf16_code_units() -> None:
    # the emoji is two UTF-16 code units; the accented letter one
    assert kinds("😀é /ban @alice_1 x") == [
        ("MessageEntityBotCommand", 4, 4),
        ("MessageEntityMention", 9, 8),
    ]


def test_commands_anywhere_but_not_inside_words_or_paths() -> None:
    assert kinds("please /verify now") == [("MessageEntityBotCommand", 7, 7)]
    assert kinds("and/or a/b /x/y") == []
    assert kinds("/start@ab") == [("MessageEntityBotCommand", 0, 6)]  # @ab is too short a bot


def test_mentions_need_four_to_32_characters_and_no_word_before() -> None:
    assert kinds("@abc @abcd") == [("MessageEntityMention", 5, 5)]
    assert kinds("mail me: bob@example_site") == []


def test_urls_with_scheme_and_bare_telegram_links() -> None:
    assert kinds("see t.me/news. and http://example.com/a?b=1).") == [
        ("MessageEntityUrl", 4, 9),
        ("MessageEntityUrl", 19, 24),
    ]
    assert kinds("https://t.me/x@foo /y") == [  # no mention inside the link
        ("MessageEntityUrl", 0, 18),
        ("MessageEntityBotCommand", 19, 2),
    ]
    assert kinds("https:// and t.me/") == []
