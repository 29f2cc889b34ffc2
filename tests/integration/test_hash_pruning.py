"""Access hashes do not pile up: a user's is kept while something names them to Telegram, then
for the retention; an old warm-up's listing goes from the database after the same time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import pytest

from gatekeeper.clock import FrozenClock
from gatekeeper.domain.join_requests import JoinRequest
from gatekeeper.domain.model import BannedRights, MemberNote, Restriction
from gatekeeper.domain.warmup import Phase, WarmupProgress, WarmupState
from gatekeeper.services.access_hashes import AccessHashes, Pruned
from gatekeeper.services.housekeeping import Housekeeping
from gatekeeper.services.listed import ListedStandings
from gatekeeper.services.pending_requests import PendingRequests
from gatekeeper.services.registry import Registry
from gatekeeper.storage import Storage
from gatekeeper.storage.warmups import ListedMember

GROUP = -1001700000000001
OTHER_GROUP = -1001700000000002
GROUP_HASH = 77
BOT = 6_100_000_001
MUTED, ASKING, ALLOWED, RELEASED, LISTED = (
    5_000_000_001,
    5_000_000_002,
    5_000_000_003,
    5_000_000_004,
    5_000_000_005,
)
DAY = 86_400.0
RETENTION = 30 * DAY


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    async with await Storage.open(database_url) as opened:
        await opened.bind(BOT)
        await opened.groups.ensure_group(GROUP, "Readers' chat", None, access_hash=GROUP_HASH)
        yield opened


def _nobody() -> Iterable[int]:
    return ()


def _no_requests() -> Iterable[JoinRequest]:
    return ()


def _keeper(
    registry: Registry, clock: FrozenClock, pending: PendingRequests | None = None
) -> AccessHashes:
    return AccessHashes(
        registry,
        clock,
        retention=RETENTION,
        requests=pending.all if pending is not None else _no_requests,
        postponed=_nobody,
        waiting=_nobody,
    )


async def test_a_hash_is_kept_while_a_mute_a_request_or_an_exception_names_its_member(
    storage: Storage,
) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    await registry.load()
    pending = PendingRequests(registry, clock)
    await registry.add_restriction(
        Restriction(GROUP, MUTED, BannedRights(), clock.now()), access_hash=11
    )
    await pending.keep(JoinRequest(GROUP, ASKING, clock.now()), access_hash=12)
    await registry.save_note(MemberNote(GROUP, ALLOWED, exempt=True, label="@allowed"))
    registry.access_hashes[ALLOWED] = 13
    await registry.add_restriction(
        Restriction(GROUP, RELEASED, BannedRights(), 0.0), access_hash=14
    )
    await registry.drop_restriction(GROUP, RELEASED)  # released: nothing names them now
    housekeeping = Housekeeping(
        registry, clock, retention=RETENTION, interval=DAY, hashes=_keeper(registry, clock, pending)
    )

    await housekeeping.run_due()
    clock.advance(RETENTION - DAY)
    await housekeeping.run_due()
    assert RELEASED in registry.access_hashes, "a day short of the retention"
    clock.advance(DAY)
    await housekeeping.run_due()

    assert registry.access_hashes == {
        GROUP: GROUP_HASH,  # a chat's hash is always kept
        MUTED: 11,
        ASKING: 12,
        ALLOWED: 13,
    }
    restarted = Registry(storage, clock=clock)  # the database kept those of the mute and request
    await restarted.load()
    await PendingRequests(restarted, clock).load()
    assert restarted.access_hashes == {GROUP: GROUP_HASH, MUTED: 11, ASKING: 12}


async def test_a_mute_lifted_starts_its_member_s_retention(storage: Storage) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    keeper = _keeper(registry, clock)
    await registry.add_restriction(Restriction(GROUP, MUTED, BannedRights(), 0.0), access_hash=11)
    await keeper.prune()
    clock.advance(2 * RETENTION)
    assert (await keeper.prune()).hashes == 0, "muted all along"

    await registry.drop_restriction(GROUP, MUTED)
    await keeper.prune()
    clock.advance(RETENTION - 1)
    assert (await keeper.prune()).hashes == 0
    clock.advance(1)
    assert (await keeper.prune()).hashes == 1
    assert MUTED not in registry.access_hashes


async def test_a_warm_up_under_way_keeps_the_hashes_of_those_it_has_yet_to_check(
    storage: Storage,
) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    keeper = _keeper(registry, clock)
    await storage.warmups.add_members(
        GROUP, [ListedMember(MUTED, "member", 21), ListedMember(LISTED, "member", 22)]
    )
    registry.access_hashes.update({MUTED: 21, LISTED: 22})
    checking = WarmupProgress(
        GROUP, state=WarmupState.WAITING, phase=Phase.CHECKING, cursor=MUTED, started_at=0.0
    )
    registry.warmups[GROUP] = checking  # a flood wait paused it after MUTED, for long
    await keeper.prune()
    clock.advance(RETENTION)

    pruned = await keeper.prune()

    assert (pruned.hashes, pruned.listed) == (1, 0)
    assert LISTED in registry.access_hashes and MUTED not in registry.access_hashes
    assert [m.user_id for m in await storage.warmups.members(GROUP)] == [MUTED, LISTED]


async def test_a_finished_warm_up_s_listing_leaves_the_database_a_retention_after_it_ended(
    storage: Storage,
) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    keeper = _keeper(registry, clock)
    await storage.groups.ensure_group(OTHER_GROUP, "Other chat", None)
    for group_id in (GROUP, OTHER_GROUP):
        await storage.warmups.add_members(group_id, [ListedMember(LISTED, "member", 22)])
    done = WarmupProgress(
        GROUP, state=WarmupState.DONE, phase=Phase.FINISHED, finished_at=clock.now()
    )
    registry.warmups[GROUP] = done
    registry.warmups[OTHER_GROUP] = WarmupProgress(
        OTHER_GROUP, state=WarmupState.RUNNING, started_at=clock.now()
    )

    clock.advance(RETENTION - 1)
    assert (await keeper.prune()).listed == 0
    clock.advance(1)
    assert (await keeper.prune()).listed == 1

    assert await storage.warmups.members(GROUP) == []
    assert [m.user_id for m in await storage.warmups.members(OTHER_GROUP)] == [LISTED]


async def test_a_retention_of_zero_keeps_every_hash_and_listing(storage: Storage) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    keeper = AccessHashes(
        registry, clock, retention=0.0, requests=_no_requests, postponed=_nobody, waiting=_nobody
    )
    registry.access_hashes[RELEASED] = 14
    await storage.warmups.add_members(GROUP, [ListedMember(LISTED, "member", 22)])
    registry.warmups[GROUP] = WarmupProgress(GROUP, state=WarmupState.DONE, finished_at=0.0)
    await keeper.prune()
    clock.advance(1_000 * DAY)

    assert await keeper.prune() == Pruned(hashes=0, listed=0, listed_in_memory=0)
    assert registry.access_hashes[RELEASED] == 14
    assert len(await storage.warmups.members(GROUP)) == 1


async def test_a_listing_no_longer_believed_leaves_memory_unless_its_warm_up_goes_on(
    storage: Storage,
) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    registry.listed = ListedStandings(clock, ttl=6 * 3600.0)
    keeper = _keeper(registry, clock)
    for group_id in (GROUP, OTHER_GROUP):
        registry.listed.listing(group_id)
        registry.listed.put(group_id, LISTED, 22, "member")
    registry.warmups[OTHER_GROUP] = WarmupProgress(OTHER_GROUP, state=WarmupState.WAITING)
    clock.advance(6 * 3600.0 - 1)
    assert (await keeper.prune()).listed_in_memory == 0

    clock.advance(1)

    assert (await keeper.prune()).listed_in_memory == 1
    assert not registry.listed.has(GROUP)
    assert registry.listed.has(OTHER_GROUP), "its warm-up, paused, still fills it"
