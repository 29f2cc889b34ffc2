"""The in-process membership memory: LRU bound, expiry by the clock, per-channel forgetting."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.cache import MembershipCache, MembershipMemory
from gatekeeper.clock import FrozenClock
from gatekeeper.domain.model import Verdict

CH = -1001234567890
OTHER = -1009876543210
MEMBER_TTL = 600.0
NON_MEMBER_TTL = 30.0


def make(max_entries: int = 3, clock: FrozenClock | None = None) -> MembershipMemory:
    return MembershipMemory(max_entries, MEMBER_TTL, NON_MEMBER_TTL, clock or FrozenClock())


def test_put_then_get() -> None:
    memory = make()
    memory.put(CH, 1, Verdict.MEMBER)
    memory.put(CH, 2, Verdict.NOT_MEMBER)
    assert memory.get(CH, 1) is Verdict.MEMBER
    assert memory.get(CH, 2) is Verdict.NOT_MEMBER
    assert memory.get(OTHER, 1) is None
    assert len(memory) == 2


def test_unknown_is_never_cached() -> None:
    memory = make()
    memory.put(CH, 1, Verdict.UNKNOWN)
    assert memory.get(CH, 1) is None
    assert len(memory) == 0


def test_a_full_memory_drops_first_what_nobody_used_since_the_last_sweep() -> None:
    memory = make(max_entries=3)
    for user in (1, 2, 3):
        memory.put(CH, user, Verdict.MEMBER)
    assert memory.get(CH, 1) is Verdict.MEMBER  # 1 writes; 2 and 3 stay silent
    memory.put(CH, 4, Verdict.MEMBER)
    assert len(memory) == 3
    assert memory.get(CH, 2) is None  # the oldest of the unused
    assert [memory.get(CH, u) for u in (1, 3, 4)] == [Verdict.MEMBER] * 3
    assert (memory.evictions, memory.sweeps) == (1, 1)


def test_a_verdict_used_is_spared_once_then_goes_like_the_others() -> None:
    memory = make(max_entries=2)
    memory.put(CH, 1, Verdict.MEMBER)
    memory.put(CH, 2, Verdict.MEMBER)
    memory.get(CH, 1)
    memory.get(CH, 2)  # both used: 1 is spared and moved back, then 2 is too, then 1 goes
    memory.put(CH, 3, Verdict.MEMBER)
    assert [memory.get(CH, u) for u in (1, 2, 3)] == [None, Verdict.MEMBER, Verdict.MEMBER]


def test_a_full_memory_drops_an_expired_verdict_before_a_live_one_used_lately() -> None:
    clock = FrozenClock()
    memory = make(max_entries=3, clock=clock)
    memory.put(CH, 1, Verdict.MEMBER)
    memory.put(CH, 2, Verdict.NOT_MEMBER)
    memory.put(CH, 3, Verdict.MEMBER)
    memory.get(CH, 1)
    clock.advance(NON_MEMBER_TTL)  # 2 has expired, unread
    memory.put(CH, 4, Verdict.MEMBER)
    assert [memory.get(CH, u) for u in (1, 3, 4)] == [Verdict.MEMBER] * 3
    assert (memory.evictions, memory.expirations) == (0, 1)


def test_a_sweep_frees_a_twentieth_of_the_room_at_once() -> None:
    memory = make(max_entries=1_000)
    for user in range(1_000):
        memory.put(CH if user % 2 else OTHER, user, Verdict.MEMBER)
    memory.put(CH, 5_000, Verdict.MEMBER)
    assert len(memory) == 1_000 - 50 + 1
    assert memory.sweeps == 1
    for user in range(5_001, 5_049):
        memory.put(CH, user, Verdict.MEMBER)
    assert memory.sweeps == 1  # the room was there: no sweep per insert


def test_ttls_are_shortened_by_the_jitter_and_never_lengthened() -> None:
    clock = FrozenClock()
    memory = MembershipMemory(
        1_000, MEMBER_TTL, NON_MEMBER_TTL, clock, jitter=0.2, rng=random.Random(3)
    )
    for user in range(200):
        memory.put(CH, user, Verdict.MEMBER)
        memory.put(OTHER, user, Verdict.NOT_MEMBER)
    members = [memory.expires_in(CH, u) or 0.0 for u in range(200)]
    others = [memory.expires_in(OTHER, u) or 0.0 for u in range(200)]
    assert all(MEMBER_TTL * 0.8 - 0.001 <= t <= MEMBER_TTL for t in members)
    assert all(NON_MEMBER_TTL * 0.8 - 0.001 <= t <= NON_MEMBER_TTL for t in others)
    assert len(set(members)) > 150  # spread out, not all due in the same second
    with pytest.raises(ValueError):
        MembershipMemory(10, 1, 1, clock, jitter=0.9)


def test_overwriting_does_not_evict_and_refreshes() -> None:
    clock = FrozenClock()
    memory = make(max_entries=2, clock=clock)
    memory.put(CH, 1, Verdict.NOT_MEMBER)
    memory.put(CH, 2, Verdict.MEMBER)
    clock.advance(1)
    memory.put(CH, 1, Verdict.MEMBER)  # now 2 is the soonest to expire
    assert len(memory) == 2 and memory.evictions == 0
    memory.put(CH, 3, Verdict.MEMBER)
    assert memory.get(CH, 1) is Verdict.MEMBER
    assert memory.get(CH, 2) is None


def test_members_and_non_members_expire_at_their_own_ttl() -> None:
    clock = FrozenClock()
    memory = make(clock=clock)
    memory.put(CH, 1, Verdict.MEMBER)
    memory.put(CH, 2, Verdict.NOT_MEMBER)
    clock.advance(NON_MEMBER_TTL - 1)
    assert memory.get(CH, 2) is Verdict.NOT_MEMBER
    clock.advance(1)
    assert memory.get(CH, 2) is None
    assert memory.get(CH, 1) is Verdict.MEMBER
    clock.advance(MEMBER_TTL - NON_MEMBER_TTL)
    assert memory.get(CH, 1) is None
    assert len(memory) == 0
    assert memory.expirations == 2


def test_all_members_needs_a_live_member_verdict_for_every_channel() -> None:
    clock = FrozenClock()
    memory = make(clock=clock)
    memory.put(CH, 1, Verdict.MEMBER)
    memory.put(OTHER, 1, Verdict.MEMBER)
    memory.put(OTHER, 2, Verdict.NOT_MEMBER)
    assert memory.all_members((CH, OTHER), 1)
    assert memory.all_members((), 1)  # nothing required: nothing missing
    assert not memory.all_members((CH, OTHER), 2)  # one unknown, one not a member
    assert not memory.all_members((OTHER,), 2)
    assert memory.hits == 2 and memory.misses == 0  # a False counts nothing: `get` will
    clock.advance(MEMBER_TTL)
    assert not memory.all_members((CH,), 1)  # expired
    assert memory.get(CH, 1) is None


def test_a_hit_does_not_extend_the_ttl() -> None:
    clock = FrozenClock()
    memory = make(clock=clock)
    memory.put(CH, 1, Verdict.NOT_MEMBER)
    clock.advance(NON_MEMBER_TTL / 2)
    assert memory.get(CH, 1) is Verdict.NOT_MEMBER
    clock.advance(NON_MEMBER_TTL / 2)
    assert memory.get(CH, 1) is None


def test_forget_and_forget_channel() -> None:
    memory = make(max_entries=10)
    for user in (1, 2, 3):
        memory.put(CH, user, Verdict.MEMBER)
        memory.put(OTHER, user, Verdict.NOT_MEMBER)
    memory.forget(CH, 1)
    memory.forget(CH, 99)  # absent: fine
    assert memory.get(CH, 1) is None
    assert memory.forget_channel(CH) == 2
    assert memory.forget_channel(CH) == 0
    assert len(memory) == 3
    assert [memory.get(OTHER, u) for u in (1, 2, 3)] == [Verdict.NOT_MEMBER] * 3


def test_forget_channel_after_evictions_keeps_the_index_consistent() -> None:
    memory = make(max_entries=2)
    memory.put(CH, 1, Verdict.MEMBER)
    memory.put(OTHER, 1, Verdict.MEMBER)
    memory.put(OTHER, 2, Verdict.MEMBER)  # evicts (CH, 1)
    assert memory.forget_channel(CH) == 0
    assert memory.forget_channel(OTHER) == 2
    assert len(memory) == 0


def test_counters() -> None:
    memory = make()
    memory.get(CH, 1)
    memory.put(CH, 1, Verdict.MEMBER)
    memory.get(CH, 1)
    memory.get(CH, 1)
    assert (memory.hits, memory.misses) == (2, 1)


def test_rejects_nonsense_configuration() -> None:
    with pytest.raises(ValueError):
        MembershipMemory(0, 1, 1, FrozenClock())
    with pytest.raises(ValueError):
        MembershipMemory(1, 0, 1, FrozenClock())


async def test_membership_cache_without_redis_uses_memory_only() -> None:
    cache = MembershipCache(make(max_entries=10))
    assert await cache.lookup(CH, 1) is None
    await cache.store(CH, 1, Verdict.MEMBER)
    await cache.store_many(CH, {2: Verdict.NOT_MEMBER, 3: Verdict.UNKNOWN})
    assert cache.peek(CH, 1) is Verdict.MEMBER
    assert await cache.lookup_many(CH, [1, 2, 3]) == {1: Verdict.MEMBER, 2: Verdict.NOT_MEMBER}
    await cache.invalidate(CH, 1)
    assert cache.peek(CH, 1) is None
    await cache.invalidate_channel(CH)
    assert cache.peek(CH, 2) is None


# A reference model: every verdict ever put, with its expiry. The real memory may have dropped
# some (it is bounded), but what it answers must be the model's, and never past its TTL.
class _Model:
    def __init__(self) -> None:
        self.entries: dict[tuple[int, int], tuple[Verdict, float]] = {}

    def get(self, key: tuple[int, int], now: float) -> Verdict | None:
        if key not in self.entries:
            return None
        verdict, expires = self.entries[key]
        return verdict if now < expires else None

    def put(self, key: tuple[int, int], verdict: Verdict, now: float) -> None:
        ttl = MEMBER_TTL if verdict is Verdict.MEMBER else NON_MEMBER_TTL
        self.entries[key] = (verdict, now + ttl)


_keys = st.tuples(st.sampled_from([CH, OTHER]), st.integers(1, 6))
_ops = st.lists(
    st.one_of(
        st.tuples(st.just("get"), _keys),
        st.tuples(st.just("put"), _keys, st.sampled_from([Verdict.MEMBER, Verdict.NOT_MEMBER])),
        st.tuples(st.just("forget"), _keys),
        st.tuples(st.just("forget_channel"), st.sampled_from([CH, OTHER])),
        st.tuples(st.just("advance"), st.floats(0, 2 * NON_MEMBER_TTL)),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(max_entries=st.integers(1, 5), ops=_ops)
def test_property_bounded_never_stale_never_wrong(
    max_entries: int, ops: list[tuple[object, ...]]
) -> None:
    clock = FrozenClock()
    memory = make(max_entries=max_entries, clock=clock)
    model = _Model()
    for op in ops:
        now = clock.now()
        match op:
            case ("get", (int() as channel, int() as user)):
                got = memory.get(channel, user)
                if got is not None:  # the verdict last put, and never older than its TTL
                    assert got == model.get((channel, user), now)
                if memory.all_members((channel,), user):
                    assert model.get((channel, user), now) is Verdict.MEMBER
            case ("put", (int() as channel, int() as user), Verdict() as verdict):
                memory.put(channel, user, verdict)
                model.put((channel, user), verdict, now)
                assert memory.get(channel, user) is verdict  # what was just put is kept
            case ("forget", (int() as channel, int() as user)):
                memory.forget(channel, user)
                model.entries.pop((channel, user), None)
                assert memory.get(channel, user) is None
            case ("forget_channel", int() as channel):
                memory.forget_channel(channel)
                for key in [k for k in model.entries if k[0] == channel]:
                    del model.entries[key]
            case ("advance", float() as seconds):
                clock.advance(seconds)
            case _:
                raise AssertionError(f"unmatched operation {op!r}")
        assert len(memory) <= max_entries
        live = sum(v is not None for v in (memory.expires_in(*k) for k in model.entries))
        assert len(memory) == live  # nothing kept that the model forgot
