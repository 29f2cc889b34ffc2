"""Storage per bot, on SQLite and PostgreSQL: bots sharing a database keep to their own rows,
and the access hashes a bot needs to name members and channels are kept with its records."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gatekeeper.domain.model import BannedRights, Channel, Restriction
from gatekeeper.storage import NotFound, Storage, Unbound

GROUP = -1001700000000001
NEWS = Channel(id=-1002900000000001, title="News", username="news_channel")
TEA = Channel(id=-1002900000000002, title="Tea")
ALICE = 5_000_000_001
FIRST_BOT = 6_100_000_001
SECOND_BOT = 6_100_000_002
ALICE_HASH = -8_765_432_109_876_543_210
GROUP_HASH = 1_234_567_890_123_456_789
NEWS_HASH = 42


@pytest.fixture
async def two_bots(database_url: str) -> AsyncIterator[tuple[Storage, Storage]]:
    async with (
        await Storage.open(database_url) as first,
        await Storage.open(database_url) as second,
    ):
        await first.bind(FIRST_BOT)
        await second.bind(SECOND_BOT)
        yield first, second


def _mute(user_id: int = ALICE) -> Restriction:
    return Restriction(GROUP, user_id, BannedRights(), 1_767_225_600.5, (NEWS.id,))


async def test_storage_refuses_to_be_used_before_it_knows_its_bot(database_url: str) -> None:
    async with await Storage.open(database_url) as storage:
        with pytest.raises(Unbound):
            await storage.groups.load_all()
        with pytest.raises(Unbound):
            await storage.restrictions.save(_mute())


async def test_two_bots_guarding_the_same_group_keep_their_own_settings_links_and_mutes(
    two_bots: tuple[Storage, Storage],
) -> None:
    first, second = two_bots
    for storage, channel in ((first, NEWS), (second, TEA)):
        await storage.groups.ensure_group(GROUP, "Readers' chat", None)
        await storage.groups.save_channel(channel)
        await storage.groups.link(GROUP, channel.id)
        await storage.groups.set_protected(GROUP, True)
    await first.restrictions.save(_mute())

    (mine,) = await first.groups.load_all()
    (theirs,) = await second.groups.load_all()
    assert mine.channel_ids == (NEWS.id,) and theirs.channel_ids == (TEA.id,)
    assert await first.restrictions.all() == [_mute()]
    assert await second.restrictions.all() == []

    # One bot turning the group off, unlinking and releasing leaves the other's state alone.
    assert not await second.restrictions.remove(GROUP, ALICE)
    assert not await second.restrictions.set_notice(GROUP, ALICE, 7)
    await second.groups.set_protected(GROUP, False)
    assert await second.groups.unlink(GROUP, TEA.id)
    assert not await second.groups.unlink(GROUP, NEWS.id)
    rules = await first.groups.get(GROUP)
    assert rules is not None and rules.protected and rules.channel_ids == (NEWS.id,)
    assert await first.restrictions.all() == [_mute()]


async def test_a_bot_cannot_link_a_channel_only_another_bot_saved(
    two_bots: tuple[Storage, Storage],
) -> None:
    first, second = two_bots
    await first.groups.save_channel(NEWS)
    await second.groups.ensure_group(GROUP, "Readers' chat", None)

    with pytest.raises(NotFound):
        await second.groups.link(GROUP, NEWS.id)


async def test_the_access_hashes_of_muted_members_groups_and_channels_are_kept_per_bot(
    two_bots: tuple[Storage, Storage],
) -> None:
    first, second = two_bots
    await first.groups.ensure_group(GROUP, "Readers' chat", None, access_hash=GROUP_HASH)
    await first.groups.save_channel(NEWS, access_hash=NEWS_HASH)
    await first.restrictions.save(_mute(), access_hash=ALICE_HASH)
    # Refreshing a title or a channel without a hash at hand keeps the hash recorded.
    await first.groups.ensure_group(GROUP, "Renamed chat", None)
    await first.groups.save_channel(NEWS)
    # The same group and channel, as another bot names them (hashes differ per account).
    await second.groups.ensure_group(GROUP, "Readers' chat", None, access_hash=GROUP_HASH + 1)

    assert await first.groups.access_hashes() == {GROUP: GROUP_HASH, NEWS.id: NEWS_HASH}
    assert await first.restrictions.access_hashes() == {ALICE: ALICE_HASH}
    assert await second.groups.access_hashes() == {GROUP: GROUP_HASH + 1}
    assert await second.restrictions.access_hashes() == {}
