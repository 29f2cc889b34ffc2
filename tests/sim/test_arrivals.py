"""How members arrive: added by someone, through an invite link, by themselves (maybe quietly)."""

from __future__ import annotations

from typing import Any

import pytest
from telethon import TelegramClient, events
from telethon.tl import functions, types

from gatekeeper.sim import Role, SimRefused
from tests.sim.conftest import World, collect


def watch(client: TelegramClient) -> tuple[list[Any], list[Any]]:
    """(participant updates, ChatAction events) as the client's handlers see them.

    Telethon builds a ChatAction from the service message (``action_message`` set) and another
    from the participant update (``action_message`` None, ``added_by`` = its actor_id).
    """
    updates: list[Any] = []
    actions: list[Any] = []
    client.add_event_handler(collect(updates), events.Raw(types.UpdateChannelParticipant))
    client.add_event_handler(collect(actions), events.ChatAction)
    return updates, actions


def from_messages(actions: list[Any]) -> list[Any]:
    return [a for a in actions if a.action_message is not None]


async def test_admin_adds_someone(world: World, client: TelegramClient) -> None:
    updates, actions = watch(client)
    bob = world.sim.create_user("Bob")
    world.carol.add(world.group, bob)
    await world.sim.settle()

    assert world.group.role(bob) is Role.MEMBER
    participant = world.group.participant(bob)
    assert participant is not None and participant.inviter_id == world.carol.id
    [update] = updates
    assert (update.user_id, update.actor_id, update.invite) == (bob.id, world.carol.id, None)
    assert update.prev_participant is None
    assert isinstance(update.new_participant, types.ChannelParticipant)
    assert update.new_participant.user_id == bob.id

    note = world.group.messages(include_service=True)[-1]
    assert note.action == types.MessageActionChatAddUser(users=[bob.id])
    assert note.sender_user_id == world.carol.id
    [action] = from_messages(actions)
    assert action.user_added and not action.user_joined
    assert action.action_message.from_id == types.PeerUser(world.carol.id)
    assert action.user_ids == [bob.id]
    [from_update] = [a for a in actions if a.action_message is None]
    assert from_update.user_added and from_update.user_ids == [bob.id]
    assert (await from_update.get_added_by()).id == world.carol.id


async def test_members_add_only_when_the_chat_allows(world: World) -> None:
    bob = world.sim.create_user("Bob")
    assert world.group.members_can_add  # Telegram's default for supergroups
    world.alice.add(world.group, bob)
    assert world.group.is_member(bob)

    dave = world.sim.create_user("Dave")
    world.group.members_can_add = False
    with pytest.raises(SimRefused) as refused:
        world.alice.add(world.group, dave)
    assert refused.value.reason == "CHAT_ADMIN_REQUIRED"
    world.alice.join(world.news)
    with pytest.raises(SimRefused):  # subscribers never add people to a broadcast channel
        world.alice.add(world.news, dave)
    world.carol.add(world.group, dave)  # the owner always may
    assert world.group.is_member(dave)


async def test_banned_user_comes_back_only_through_an_admin_who_may_ban(world: World) -> None:
    world.carol.kick(world.group, world.alice)
    world.carol.restrict(world.group, world.alice, view_messages=True)
    with pytest.raises(SimRefused) as banned:
        world.alice.join(world.group)
    assert banned.value.reason == "USER_BANNED_IN_CHANNEL"
    bob = world.sim.create_user("Bob")
    bob.join(world.group)
    with pytest.raises(SimRefused) as kicked:
        bob.add(world.group, world.alice)
    assert kicked.value.reason == "USER_KICKED"
    world.carol.add(world.group, world.alice)
    assert world.group.role(world.alice) is Role.MEMBER


async def test_join_by_link_creates_the_owners_link_when_there_is_none(
    world: World, client: TelegramClient
) -> None:
    updates, actions = watch(client)
    bob = world.sim.create_user("Bob")
    assert world.group.invite_links() == []
    bob.join_by_link(world.group)
    await world.sim.settle()

    [link] = world.group.invite_links()
    [update] = updates
    assert (update.user_id, update.actor_id) == (bob.id, bob.id)
    assert isinstance(update.invite, types.ChatInviteExported)
    assert (update.invite.link, update.invite.admin_id) == (link, world.carol.id)
    assert isinstance(update.new_participant, types.ChannelParticipant)

    note = world.group.messages(include_service=True)[-1]
    assert note.action == types.MessageActionChatJoinedByLink(inviter_id=world.carol.id)
    assert note.sender_user_id == bob.id
    [action] = from_messages(actions)
    assert action.user_joined and action.user_ids == [bob.id]


async def test_join_by_the_bots_link_names_the_bot(world: World, client: TelegramClient) -> None:
    updates, _ = watch(client)
    exported = await client(functions.messages.ExportChatInviteRequest(world.group.entity))
    bob = world.sim.create_user("Bob")
    with pytest.raises(SimRefused) as refused:
        bob.join_by_link(world.group, "https://t.me/+nope")
    assert refused.value.reason == "INVITE_HASH_INVALID"
    bob.join_by_link(world.group, exported.link)
    await world.sim.settle()
    assert [(u.invite.link, u.invite.admin_id) for u in updates] == [(exported.link, world.bot.id)]
    note = world.group.messages(include_service=True)[-1]
    assert note.action == types.MessageActionChatJoinedByLink(inviter_id=world.bot.id)
    participant = world.group.participant(bob)
    assert participant is not None and participant.inviter_id == world.bot.id


async def test_join_posts_add_user_by_herself_unless_quietly(
    world: World, client: TelegramClient
) -> None:
    updates, actions = watch(client)
    bob = world.sim.create_user("Bob")
    dave = world.sim.create_user("Dave")
    bob.join(world.group)
    before = len(world.group.messages(include_service=True))
    dave.join(world.group, quietly=True)
    await world.sim.settle()

    assert len(world.group.messages(include_service=True)) == before  # no service message
    assert [(u.user_id, u.actor_id, u.invite) for u in updates] == [
        (bob.id, bob.id, None),
        (dave.id, dave.id, None),
    ]
    assert all(isinstance(u.new_participant, types.ChannelParticipant) for u in updates)
    assert [(a.user_joined, a.user_ids) for a in from_messages(actions)] == [(True, [bob.id])]
    # a quiet join still fires ChatAction, built from the update alone (added by herself)
    assert [a.user_ids for a in actions if a.action_message is None] == [[bob.id], [dave.id]]
    assert world.group.is_member(dave)


async def test_joining_a_broadcast_channel_posts_nothing(
    world: World, client: TelegramClient
) -> None:
    updates, actions = watch(client)
    bob = world.sim.create_user("Bob")
    bob.join_by_link(world.news)
    world.carol.add(world.news, world.alice)
    await world.sim.settle()
    assert world.news.messages(include_service=True) == []
    assert [(u.user_id, u.actor_id) for u in updates] == [
        (bob.id, bob.id),
        (world.alice.id, world.carol.id),
    ]
    assert from_messages(actions) == []
