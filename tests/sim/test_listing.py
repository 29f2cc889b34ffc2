"""What a warm-up relies on, as Telegram behaves: listing caps, search by name, flood limits."""

from __future__ import annotations

import pytest
from telethon import TelegramClient, errors
from telethon.tl import functions, types

from gatekeeper.sim import Participant, Role
from tests.sim.conftest import World


def _page(world: World, flt: object, offset: int = 0, chat: object = None) -> object:
    return functions.channels.GetParticipantsRequest(
        chat or world.group.entity, flt, offset=offset, limit=200, hash=0
    )


async def test_search_matches_the_start_of_a_word_of_a_name_not_its_middle(
    world: World, client: TelegramClient
) -> None:
    ann = world.sim.create_user("Ann", last_name="Lee", username="annie_b")
    mary = world.sim.create_user("Mary Ann")
    dan = world.sim.create_user("Dan", username="dannyboy")
    for person in (ann, mary, dan):
        person.join(world.group)

    def found(q: str) -> object:
        return _page(world, types.ChannelParticipantsSearch(q))

    assert {p.user_id for p in (await client(found("ann"))).participants} == {ann.id, mary.id}
    assert {p.user_id for p in (await client(found("le"))).participants} == {ann.id}
    assert {p.user_id for p in (await client(found("annie"))).participants} == {ann.id}
    assert {p.user_id for p in (await client(found("dan"))).participants} == {dan.id}
    assert (await client(found("nn"))).participants == []  # inside a word: no match


async def test_recent_stops_at_10000_but_a_search_reaches_members_past_the_cap(
    world: World, client: TelegramClient
) -> None:
    people = []
    for i in range(10_100):
        person = world.sim.create_user(("Zed" if i < 100 else "Amy") + str(i))
        world.group.state.participants[person.id] = Participant(person.id, Role.MEMBER, i)
        people.append(person)
    past_cap = await client(_page(world, types.ChannelParticipantsRecent(), offset=10_000))
    assert past_cap.participants == [] and past_cap.count == 10_103

    first = await client(_page(world, types.ChannelParticipantsRecent()))
    newest = [p.user_id for p in first.participants[3:5]]  # after carol, the bot and alice
    assert newest == [people[-1].id, people[-2].id]
    # The oldest hundred (the "Zed"s) are past Recent's 10,000, but a search finds them.
    zeds = await client(_page(world, types.ChannelParticipantsSearch("zed")))
    assert len(zeds.participants) == zeds.count == 100


async def test_a_broadcast_channel_lists_about_200_subscribers_but_all_its_admins(
    world: World, client: TelegramClient
) -> None:
    for i in range(300):
        world.sim.create_user(f"Sub{i}").join(world.news)
    subscribers = await client(
        _page(world, types.ChannelParticipantsSearch("sub"), chat=world.news.entity)
    )
    assert len(subscribers.participants) == 200 and subscribers.count == 300
    admins = await client(_page(world, types.ChannelParticipantsAdmins(), chat=world.news.entity))
    assert {p.user_id for p in admins.participants} == {world.carol.id, world.bot.id}


async def test_a_flood_limit_turns_away_calls_of_one_type_until_its_window_frees(
    world: World, client: TelegramClient
) -> None:
    world.sim.faults.flood_limit("GetParticipantRequest", calls=2, per_seconds=30)
    ask = functions.channels.GetParticipantRequest(world.group.entity, world.alice.entity)
    await client(ask)
    await client(ask)
    with pytest.raises(errors.FloodWaitError) as waited:
        await client(ask)
    assert 1 <= waited.value.seconds <= 30
    await client(_page(world, types.ChannelParticipantsRecent()))  # another type goes through
    world.clock.advance(30)
    world.sim.time_passed(30)
    await client(ask)
    assert world.sim.faults.flood_waits == 1


async def test_paging_sees_a_member_kicked_between_two_pages(
    world: World, client: TelegramClient
) -> None:
    for i in range(450):
        person = world.sim.create_user(f"Member{i}")
        world.group.state.participants[person.id] = Participant(person.id, Role.MEMBER, i)
    first = await client(_page(world, types.ChannelParticipantsRecent()))
    last = await client(_page(world, types.ChannelParticipantsRecent(), offset=400))
    gone = world.sim.user(last.participants[0].user_id)
    world.carol.kick(world.group, gone)

    again = await client(_page(world, types.ChannelParticipantsRecent(), offset=400))
    assert gone.id not in {p.user_id for p in again.participants}
    assert len(first.participants) == 200 and again.count == last.count - 1


async def test_a_longer_search_finds_what_a_fresh_one_would(
    world: World, client: TelegramClient
) -> None:
    for name in ("Zed", "Zelda", "Zoe", "Ozzy", "Zed Ann"):
        world.sim.create_user(name).join(world.group)
    await client(_page(world, types.ChannelParticipantsSearch("z")))  # lists "z" first
    found = await client(_page(world, types.ChannelParticipantsSearch("ze")))
    names = {world.sim.world.users[p.user_id].first_name for p in found.participants}
    assert names == {"Zed", "Zelda", "Zed Ann"}
