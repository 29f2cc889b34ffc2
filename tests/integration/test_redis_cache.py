"""The shared membership cache against a real Redis, and its degradation when Redis is gone."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from structlog.testing import capture_logs

from gatekeeper.cache import MembershipCache, MembershipMemory, RedisMembership
from gatekeeper.clock import FrozenClock
from gatekeeper.domain.model import Verdict

pytestmark = pytest.mark.redis

CH = -1001234567890
MEMBER_TTL = 600.0
NON_MEMBER_TTL = 30.0


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    redis = aioredis.Redis.from_url(redis_url)
    yield redis
    await redis.aclose()


@pytest.fixture
async def prefix(client: aioredis.Redis) -> AsyncIterator[str]:
    """A prefix no other test uses; only its keys are deleted afterwards."""
    unique = f"gktest:{uuid.uuid4().hex[:12]}:"
    yield unique
    keys = [key async for key in client.scan_iter(match=f"{unique}*")]
    if keys:
        await client.delete(*keys)


@pytest.fixture
def shared(client: aioredis.Redis, prefix: str) -> RedisMembership:
    return RedisMembership(
        client, prefix=prefix, member_ttl=MEMBER_TTL, non_member_ttl=NON_MEMBER_TTL
    )


async def test_round_trip_and_forget(shared: RedisMembership) -> None:
    assert await shared.get(CH, 1) is None
    await shared.put(CH, 1, Verdict.MEMBER)
    await shared.put(CH, 2, Verdict.NOT_MEMBER)
    await shared.put(CH, 3, Verdict.UNKNOWN)  # never stored
    assert await shared.get(CH, 1) is Verdict.MEMBER
    assert await shared.get(CH, 2) is Verdict.NOT_MEMBER
    assert await shared.get(CH, 3) is None
    await shared.forget(CH, 1)
    assert await shared.get(CH, 1) is None
    assert shared.healthy and shared.errors == 0


async def test_keys_carry_the_ttl_of_their_verdict(
    shared: RedisMembership, client: aioredis.Redis, prefix: str
) -> None:
    await shared.put(CH, 1, Verdict.MEMBER)
    await shared.put_many(CH, {2: Verdict.NOT_MEMBER})
    assert shared.key(CH, 1) == f"{prefix}m:{CH}:1"
    member_ttl = await client.ttl(f"{prefix}m:{CH}:1")
    non_member_ttl = await client.ttl(f"{prefix}m:{CH}:2")
    assert MEMBER_TTL - 5 <= member_ttl <= MEMBER_TTL
    assert NON_MEMBER_TTL - 5 <= non_member_ttl <= NON_MEMBER_TTL


async def test_keys_learnt_together_expire_spread_over_the_jitter(
    client: aioredis.Redis, prefix: str
) -> None:
    shared = RedisMembership(
        client,
        prefix=prefix,
        member_ttl=MEMBER_TTL,
        non_member_ttl=NON_MEMBER_TTL,
        jitter=0.2,
        rng=random.Random(1),
    )
    await shared.put_many(CH, {user: Verdict.MEMBER for user in range(100)})
    ttls = [await client.pttl(shared.key(CH, user)) for user in range(100)]
    assert all(MEMBER_TTL * 800 - 50 <= ttl <= MEMBER_TTL * 1000 for ttl in ttls)
    assert len({ttl // 1000 for ttl in ttls}) > 50  # not all due in the same second


async def test_put_many_and_get_many(shared: RedisMembership, client: aioredis.Redis) -> None:
    await shared.put_many(
        CH, {1: Verdict.MEMBER, 2: Verdict.NOT_MEMBER, 3: Verdict.UNKNOWN, 4: Verdict.MEMBER}
    )
    await client.set(shared.key(CH, 5), b"garbage")  # an unreadable value is a miss
    found = await shared.get_many(CH, [1, 2, 3, 4, 5, 6, 1])
    assert found == {1: Verdict.MEMBER, 2: Verdict.NOT_MEMBER, 4: Verdict.MEMBER}
    assert await shared.get_many(CH, []) == {}


async def test_lookup_fills_memory_from_redis(shared: RedisMembership) -> None:
    clock = FrozenClock()
    writer = MembershipCache(MembershipMemory(100, 60, 10, clock), shared)
    reader = MembershipCache(MembershipMemory(100, 60, 10, clock), shared)
    await writer.store(CH, 1, Verdict.MEMBER)
    await writer.store_many(CH, {2: Verdict.NOT_MEMBER, 3: Verdict.MEMBER})

    assert reader.peek(CH, 1) is None  # another process: nothing in its memory yet
    assert await reader.lookup(CH, 1) is Verdict.MEMBER
    assert reader.peek(CH, 1) is Verdict.MEMBER  # now served without I/O
    assert await reader.lookup_many(CH, [1, 2, 3, 4]) == {
        1: Verdict.MEMBER,
        2: Verdict.NOT_MEMBER,
        3: Verdict.MEMBER,
    }
    assert reader.peek(CH, 2) is Verdict.NOT_MEMBER

    await writer.invalidate(CH, 1)
    assert writer.peek(CH, 1) is None
    assert await shared.get(CH, 1) is None


def two_processes(
    shared: RedisMembership, client: aioredis.Redis
) -> tuple[MembershipCache, MembershipCache]:
    """The caches of two bot processes sharing one Redis."""
    clock = FrozenClock()
    other = RedisMembership(
        client, prefix=shared.prefix, member_ttl=MEMBER_TTL, non_member_ttl=NON_MEMBER_TTL
    )
    return (
        MembershipCache(MembershipMemory(100, 60, 10, clock), shared),
        MembershipCache(MembershipMemory(100, 60, 10, clock), other),
    )


async def test_invalidations_reach_other_processes(
    shared: RedisMembership, client: aioredis.Redis
) -> None:
    here, there = two_processes(shared, client)
    listener = asyncio.create_task(there.run_invalidation_listener())
    try:
        there.memory.put(CH, 1, Verdict.NOT_MEMBER)
        there.memory.put(CH, 2, Verdict.MEMBER)
        deadline = time.monotonic() + 5
        while there.peek(CH, 1) is not None:  # the subscription may take a moment to start
            assert time.monotonic() < deadline, "invalidation never arrived"
            await here.invalidate(CH, 1)
            await asyncio.sleep(0.02)
        await here.invalidate_channel(CH)
        while there.peek(CH, 2) is not None:
            assert time.monotonic() < deadline, "channel invalidation never arrived"
            await asyncio.sleep(0.02)
    finally:
        listener.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listener


async def test_a_process_keeps_the_fresh_verdict_it_announced_itself(
    shared: RedisMembership, client: aioredis.Redis
) -> None:
    here, there = two_processes(shared, client)
    listeners = [
        asyncio.create_task(here.run_invalidation_listener()),
        asyncio.create_task(there.run_invalidation_listener()),
    ]
    try:
        deadline = time.monotonic() + 5
        there.memory.put(CH, 1, Verdict.NOT_MEMBER)
        while there.peek(CH, 1) is not None:  # both subscriptions are up once this arrives
            assert time.monotonic() < deadline, "invalidation never arrived"
            await here.store(CH, 1, Verdict.MEMBER, announce=True)
            await asyncio.sleep(0.02)
        await here.store(CH, 2, Verdict.MEMBER, announce=True)
        await asyncio.sleep(0.2)  # time enough for its own announcement to come back

        assert here.peek(CH, 1) is Verdict.MEMBER
        assert here.peek(CH, 2) is Verdict.MEMBER
    finally:
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)


async def test_failed_redis_calls_are_counted() -> None:
    dead = aioredis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    failures: list[None] = []
    shared = RedisMembership(
        dead,
        member_ttl=MEMBER_TTL,
        non_member_ttl=NON_MEMBER_TTL,
        on_error=lambda: failures.append(None),
    )
    try:
        assert await shared.get(CH, 1) is None
        assert failures == [None]
    finally:
        await dead.aclose()


async def test_default_client_on_a_dead_port_costs_one_attempt_per_interval() -> None:
    dead = aioredis.Redis(host="127.0.0.1", port=1)  # the client's default retries: slow
    shared = RedisMembership(dead, member_ttl=MEMBER_TTL, non_member_ttl=NON_MEMBER_TTL)
    try:
        assert await shared.get(CH, 1) is None
        started = time.monotonic()
        assert await shared.get_many(CH, [1, 2]) == {}  # skipped: no second wait
        await shared.put(CH, 1, Verdict.MEMBER)
        assert time.monotonic() - started < 0.1
        assert not shared.healthy and (shared.errors, shared.skipped) == (1, 2)
    finally:
        await dead.aclose()


async def test_dead_redis_degrades_to_misses() -> None:
    clock = FrozenClock()
    dead = aioredis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    shared = RedisMembership(
        dead, member_ttl=MEMBER_TTL, non_member_ttl=NON_MEMBER_TTL, retry_interval=5, clock=clock
    )
    cache = MembershipCache(MembershipMemory(10, 60, 10, clock), shared)
    try:
        with capture_logs() as logs:
            assert await shared.get(CH, 1) is None
            clock.advance(5)
            assert await shared.get(CH, 1) is None
        assert [entry["event"] for entry in logs] == ["redis_unavailable"]  # once per outage
        assert not shared.healthy
        assert shared.errors == 2
        assert await shared.get_many(CH, [1, 2]) == {}
        await shared.put(CH, 1, Verdict.MEMBER)
        await shared.put_many(CH, {1: Verdict.MEMBER})
        await shared.forget(CH, 1)
        await cache.store(CH, 2, Verdict.MEMBER)  # memory still works
        assert await cache.lookup(CH, 2) is Verdict.MEMBER
        assert await cache.lookup(CH, 3) is None
        await cache.invalidate(CH, 2)
        assert (shared.errors, shared.skipped) == (2, 8)  # within the interval: not attempted
        clock.advance(5)
        await shared.put_many(CH, {1: Verdict.MEMBER})  # the next probe, and it fails too
        assert (shared.errors, shared.healthy) == (3, False)
    finally:
        await dead.aclose()


async def test_recovers_and_reports_healthy_again(redis_url: str, prefix: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    shared = RedisMembership(client, prefix=prefix, member_ttl=1, non_member_ttl=1)
    try:
        shared.healthy = False  # as if an outage had just ended
        await shared.put(CH, 1, Verdict.MEMBER)
        assert shared.healthy
    finally:
        await client.aclose()
