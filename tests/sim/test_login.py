"""Logging in through Telethon's real start() path."""

from __future__ import annotations

import pytest
from telethon import errors

from gatekeeper.sim import SimTelegram
from tests.sim.conftest import World


async def test_bot_logs_in_with_its_token(world: World) -> None:
    client = world.sim.client(world.bot)
    await client.start(bot_token=world.bot.token)
    me = await client.get_me()
    assert me.id == world.bot.id
    assert me.bot
    assert world.sim.requests["ImportBotAuthorizationRequest"] == 1
    await client.disconnect()


async def test_wrong_token_is_refused(world: World) -> None:
    client = world.sim.client(world.bot)
    with pytest.raises(errors.AccessTokenInvalidError):
        await client.start(bot_token="123:wrong")
    await client.disconnect()


async def test_unmodelled_request_fails_loudly_naming_itself(world: World) -> None:
    from telethon.tl import functions

    client = await world.sim.connect(world.bot)
    with pytest.raises(NotImplementedError, match="GetNearestDcRequest"):
        await client(functions.help.GetNearestDcRequest())
    await client.disconnect()


async def test_resolving_a_public_channel_gives_a_channel_entity(world: World) -> None:
    client = await world.sim.connect(world.bot)
    entity = await client.get_entity("@news")
    assert entity.id == world.news.id
    assert entity.broadcast
    with pytest.raises(ValueError, match="nobody_here"):  # Telethon wraps USERNAME_NOT_OCCUPIED
        await client.get_entity("@nobody_here")
    await client.disconnect()


async def test_sim_without_clock_builds_its_own() -> None:
    sim = SimTelegram()
    bot = sim.create_bot("b")
    client = await sim.connect(bot)
    assert (await client.get_me()).username == "b"
    await client.disconnect()
