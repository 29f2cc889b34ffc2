"""Bytes per cached verdict: tracemalloc over N inserts into the bot's membership memory."""

from __future__ import annotations

import tracemalloc

from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.clock import FrozenClock
from gatekeeper.domain.model import Verdict
from gatekeeper.settings import Settings

CHANNELS = 10


def bytes_per_verdict(inserts: int) -> float:
    """What the in-process cache holds per verdict, its keys' ids included (fresh ints, as
    they would be if nothing else kept them: an upper bound)."""
    settings = Settings(_env_file=None)
    memory = MembershipMemory(
        max(inserts, settings.membership_cache_size),
        settings.member_ttl,
        settings.non_member_ttl,
        FrozenClock(),
    )
    channels = [-1_001_700_000_000 - c * 7_919 for c in range(CHANNELS)]
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for i in range(inserts):
            user_id = 5_000_000_000 + i * 37
            memory.put(channels[i % CHANNELS], user_id, Verdict.MEMBER)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(memory) == inserts
    return (after - before) / inserts
