"""The membership cache the services use: process memory first, then the shared Redis."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.cache.shared import RedisMembership
from gatekeeper.domain.model import ChatId, UserId, Verdict


class MembershipCache:
    """Two tiers of verdicts: `peek` is memory only (the hot path); `lookup` may ask Redis.

    A verdict found in Redis is copied into memory with the memory's own TTL, so a verdict can
    be served for at most (Redis TTL + memory TTL) after Telegram gave it; keep memory TTLs
    short relative to the Redis ones. Invalidations are broadcast to other processes over
    Redis pub/sub when `run_invalidation_listener` runs in each of them.
    """

    __slots__ = ("memory", "shared")

    def __init__(self, memory: MembershipMemory, shared: RedisMembership | None = None) -> None:
        self.memory = memory
        self.shared = shared

    def peek(self, channel_id: ChatId, user_id: UserId) -> Verdict | None:
        return self.memory.get(channel_id, user_id)

    async def lookup(self, channel_id: ChatId, user_id: UserId) -> Verdict | None:
        verdict = self.memory.get(channel_id, user_id)
        if verdict is not None or self.shared is None:
            return verdict
        verdict = await self.shared.get(channel_id, user_id)
        if verdict is not None:
            self.memory.put(channel_id, user_id, verdict)
        return verdict

    async def lookup_many(
        self, channel_id: ChatId, user_ids: Iterable[UserId]
    ) -> dict[UserId, Verdict]:
        """The verdicts either tier holds; one Redis round trip for everything memory lacks."""
        found: dict[UserId, Verdict] = {}
        missing: list[UserId] = []
        for user_id in user_ids:
            verdict = self.memory.get(channel_id, user_id)
            if verdict is None:
                missing.append(user_id)
            else:
                found[user_id] = verdict
        if missing and self.shared is not None:
            from_redis = await self.shared.get_many(channel_id, missing)
            for user_id, verdict in from_redis.items():
                self.memory.put(channel_id, user_id, verdict)
            found.update(from_redis)
        return found

    async def store(
        self, channel_id: ChatId, user_id: UserId, verdict: Verdict, *, announce: bool = False
    ) -> None:
        """Keep a verdict here and in Redis; `announce` a change so that other processes
        sharing the Redis drop what they remember and read it again."""
        if verdict is Verdict.UNKNOWN:
            return
        self.memory.put(channel_id, user_id, verdict)
        if self.shared is not None:
            await self.shared.put(channel_id, user_id, verdict)
            if announce:
                await self.shared.publish_invalidation(channel_id, user_id)

    async def store_many(self, channel_id: ChatId, verdicts: Mapping[UserId, Verdict]) -> None:
        for user_id, verdict in verdicts.items():
            self.memory.put(channel_id, user_id, verdict)  # ignores UNKNOWN
        if self.shared is not None:
            await self.shared.put_many(channel_id, verdicts)

    async def invalidate(self, channel_id: ChatId, user_id: UserId) -> None:
        """Forgets the verdict here, in Redis, and (via pub/sub) in every other process."""
        self.memory.forget(channel_id, user_id)
        if self.shared is not None:
            await self.shared.forget(channel_id, user_id)
            await self.shared.publish_invalidation(channel_id, user_id)

    async def invalidate_channel(self, channel_id: ChatId) -> None:
        """Forgets every in-memory verdict about a channel, here and in the other processes.

        Redis keys are left to expire: deleting them would need a SCAN over the keyspace.
        """
        self.memory.forget_channel(channel_id)
        if self.shared is not None:
            await self.shared.publish_invalidation(channel_id, None)

    def apply_invalidation(self, channel_id: ChatId, user_id: UserId | None) -> None:
        if user_id is None:
            self.memory.forget_channel(channel_id)
        else:
            self.memory.forget(channel_id, user_id)

    async def run_invalidation_listener(self) -> None:
        """Runs until cancelled (start it as a task): applies other processes' invalidations."""
        if self.shared is None:
            return
        await self.shared.listen_invalidations(self.apply_invalidation)
