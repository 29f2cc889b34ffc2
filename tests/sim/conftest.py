"""A small world for the sim's tests: Carol owns a group and a channel, the bot is admin in both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from telethon import TelegramClient

from gatekeeper.clock import FrozenClock
from gatekeeper.sim import SimChat, SimTelegram, SimUser


@dataclass
class World:
    sim: SimTelegram
    clock: FrozenClock
    bot: SimUser
    carol: SimUser
    alice: SimUser
    group: SimChat
    news: SimChat


@pytest.fixture
def world() -> World:
    clock = FrozenClock()
    sim = SimTelegram(clock=clock)
    bot = sim.create_bot("gatekeeper_bot")
    carol = sim.create_user("Carol", username="carol")
    alice = sim.create_user("Alice", username="alice")
    group = sim.create_supergroup("Coffee chat", owner=carol)
    news = sim.create_channel("News", owner=carol, username="news")
    news.link_discussion(group)
    group.promote(bot, by=carol)
    news.promote(bot, by=carol)
    alice.join(group)
    return World(sim, clock, bot, carol, alice, group, news)


@pytest.fixture
async def client(world: World) -> AsyncIterator[TelegramClient]:
    client = world.sim.client(world.bot, flood_sleep_threshold=0)
    await client.start(bot_token=world.bot.token)
    yield client
    await client.disconnect()


def collect(into: list[Any]) -> Callable[[Any], Awaitable[None]]:
    """An async event handler (Telethon awaits handlers) that appends each event to ``into``."""

    async def handler(event: Any) -> None:
        into.append(event)

    return handler
