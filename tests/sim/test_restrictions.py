"""Muting, lifting, and what admins can and cannot do."""

from __future__ import annotations

import pytest
from telethon import TelegramClient, errors

from gatekeeper.sim import Role, SimRefused
from tests.sim.conftest import World


async def test_bot_mutes_and_releases_alice(world: World, client: TelegramClient) -> None:
    await client.edit_permissions(world.group.entity, world.alice.entity, send_messages=False)
    assert not world.group.can_write(world.alice)
    participant = world.group.participant(world.alice)
    assert participant is not None
    assert participant.role is Role.RESTRICTED
    assert participant.kicked_by == world.bot.id
    with pytest.raises(SimRefused) as refused:
        world.alice.send(world.group, "hello?")
    assert refused.value.reason == "CHAT_WRITE_FORBIDDEN"

    await client.edit_permissions(world.group.entity, world.alice.entity, send_messages=True)
    assert world.group.can_write(world.alice)
    assert world.group.role(world.alice) is Role.MEMBER


async def test_creator_and_admins_cannot_be_restricted(
    world: World, client: TelegramClient
) -> None:
    with pytest.raises(errors.UserAdminInvalidError):
        await client.edit_permissions(world.group.entity, world.carol.entity, send_messages=False)
    dave = world.sim.create_user("Dave")
    dave.join(world.group)
    world.group.promote(dave, by=world.carol, delete_messages=True)
    with pytest.raises(errors.UserAdminInvalidError):
        await client.edit_permissions(world.group.entity, dave.entity, send_messages=False)


async def test_without_ban_right_the_bot_cannot_restrict(
    world: World, client: TelegramClient
) -> None:
    world.group.promote(world.bot, by=world.carol, delete_messages=True)
    with pytest.raises(errors.ChatAdminRequiredError):
        await client.edit_permissions(world.group.entity, world.alice.entity, send_messages=False)


async def test_kick_removes_then_allows_rejoin(world: World, client: TelegramClient) -> None:
    await client.kick_participant(world.group.entity, world.alice.entity)
    assert not world.group.is_member(world.alice)
    world.alice.join(world.group)
    assert world.group.is_member(world.alice)


async def test_an_admin_restricts_by_hand(world: World) -> None:
    world.carol.restrict(world.group, world.alice, send_messages=True)
    assert not world.group.can_write(world.alice)
    world.carol.unrestrict(world.group, world.alice)
    assert world.group.can_write(world.alice)
    with pytest.raises(SimRefused):
        world.alice.restrict(world.group, world.carol, send_messages=True)
