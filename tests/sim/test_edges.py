"""Telegram at the edges: discussion-group guests, chat changes, revoked links, text limits."""

from __future__ import annotations

from typing import Any

import pytest
from telethon import Button, TelegramClient, errors, events, types
from telethon.tl import functions

from gatekeeper.sim import Role, SimRefused
from tests.sim.conftest import World, collect


async def test_a_non_member_may_comment_on_a_post_unless_only_members_may_send(
    world: World, client: TelegramClient
) -> None:
    guest = world.sim.create_user("Guest")
    post = world.news.post("news of the day")
    comment = guest.comment(post, "first!")
    assert world.group.message(comment.id) is not None
    assert not world.group.is_member(guest)
    with pytest.raises(SimRefused) as outside:
        guest.send(world.group, "not under a post")
    assert outside.value.reason == "CHANNEL_PRIVATE"

    world.group.set_join_to_send(True, by=world.carol)
    with pytest.raises(SimRefused) as refused:
        guest.comment(post, "again")
    assert refused.value.reason == "CHAT_GUEST_SEND_FORBIDDEN"
    entity = await client.get_entity(world.group.peer_id)
    assert entity.join_to_send


async def test_a_non_member_can_be_restricted_and_stays_so_if_they_join(
    world: World, client: TelegramClient
) -> None:
    guest = world.sim.create_user("Guest")
    post = world.news.post("news")
    guest.comment(post, "hello")
    await client.edit_permissions(world.group.entity, guest.entity, send_messages=False)

    found = await client(functions.channels.GetParticipantRequest(world.group.entity, guest.entity))
    assert isinstance(found.participant, types.ChannelParticipantBanned)
    assert found.participant.left and found.participant.banned_rights.send_messages
    with pytest.raises(SimRefused) as refused:
        guest.comment(post, "hello again")
    assert refused.value.reason == "CHAT_WRITE_FORBIDDEN"
    guest.join(world.group)
    assert world.group.role(guest) is Role.RESTRICTED
    assert not world.group.can_write(guest)


async def test_lifting_a_non_members_restriction_forgets_them(
    world: World, client: TelegramClient
) -> None:
    guest = world.sim.create_user("Guest")
    await client.edit_permissions(world.group.entity, guest.entity, send_messages=False)
    assert world.group.role(guest) is Role.RESTRICTED_LEFT
    await client.edit_permissions(world.group.entity, guest.entity, send_messages=True)
    assert world.group.participant(guest) is None


async def test_renaming_a_channel_pushes_update_channel_with_the_new_entity(
    world: World, client: TelegramClient
) -> None:
    seen: list[Any] = []
    client.add_event_handler(collect(seen), events.Raw(types.UpdateChannel))
    world.news.rename(world.carol, title="Daily news", username="dailynews")
    await world.sim.settle()

    assert [u.channel_id for u in seen] == [world.news.id]
    entity = await client.get_entity(world.news.peer_id)
    assert (entity.title, entity.username) == ("Daily news", "dailynews")
    world.news.rename(world.carol, username=None)
    await world.sim.settle()
    assert len(seen) == 2
    assert (await client.get_entity(world.news.peer_id)).username is None


async def test_a_revoked_link_stops_working_and_reads_back_revoked(
    world: World, client: TelegramClient
) -> None:
    invite = await client(functions.messages.ExportChatInviteRequest(world.news.entity))
    world.news.revoke_invite(invite.link, by=world.carol)
    with pytest.raises(SimRefused) as refused:
        world.sim.create_user("Eve").join_by_link(world.news, invite.link)
    assert refused.value.reason == "INVITE_HASH_EXPIRED"
    found = await client(
        functions.messages.GetExportedChatInviteRequest(world.news.entity, invite.link)
    )
    assert found.invite.revoked
    assert invite.link not in world.news.invite_links()


async def test_texts_over_telegrams_limits_are_refused(
    world: World, client: TelegramClient
) -> None:
    with pytest.raises(errors.MessageTooLongError):
        await client.send_message(world.group.entity, "x" * 4097, parse_mode=None)
    await client.send_message(world.group.entity, "x" * 4096, parse_mode=None)
    with pytest.raises(errors.MessageTooLongError):
        await client.send_message(world.group.entity, "😀" * 2049, parse_mode=None)  # UTF-16

    notice = await client.send_message(world.group.entity, "press", buttons=[[_button()]])
    stored = world.group.message(notice.id)
    assert stored is not None
    answers: list[str] = []

    async def answer(event: Any) -> None:
        for length in (201, 200):
            request = functions.messages.SetBotCallbackAnswerRequest(
                event.query.query_id, cache_time=0, message="y" * length
            )
            try:
                await client(request)
                answers.append("answered")
            except errors.MessageTooLongError:
                answers.append("refused")

    client.add_event_handler(answer, events.CallbackQuery())
    query = await world.alice.press(stored)
    assert answers == ["refused", "answered"]
    assert query.answer_text == "y" * 200


async def test_a_basic_group_reads_as_a_chat(world: World, client: TelegramClient) -> None:
    marked = world.sim.create_basic_group("Old friends", world.carol, world.bot)
    entity = await client.get_entity(marked)
    assert isinstance(entity, types.Chat)
    assert entity.title == "Old friends"


def _button() -> Any:
    return Button.inline("ok", b"ok")
