"""The shared membership cache in Redis, for several Gatekeeper processes or a restart.

Redis is an optimisation, never a dependency: every failure is caught, counted, logged once
per outage, and turned into a miss (reads) or a no-op (writes). `healthy` says how the last
call went, for the readiness check and the metrics. After a failure, calls skip Redis (an
instant miss / no-op) for `retry_interval` seconds, then one call probes it again: a dead
Redis costs one timeout per interval, not one per lookup.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from gatekeeper.clock import Clock, SystemClock
from gatekeeper.domain.model import ChatId, UserId, Verdict

log = structlog.get_logger(__name__)

_FAILURES: Final = (RedisError, OSError)  # asyncio/builtin TimeoutError is an OSError
_CACHEABLE: Final = {
    Verdict.MEMBER.value: Verdict.MEMBER,
    Verdict.NOT_MEMBER.value: Verdict.NOT_MEMBER,
}

InvalidationHandler = Callable[[ChatId, UserId | None], None]


def _decode(raw: object) -> Verdict | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    return _CACHEABLE.get(raw) if isinstance(raw, str) else None


class RedisMembership:
    """Verdicts under `{prefix}m:{channel_id}:{user_id}`, each set with its TTL (SET PX).

    A verdict is what one bot can see, so once the bot knows its id (`bind`), the prefix names
    it (`gk:{bot_id}:`): bots sharing a Redis keep their verdicts and announcements apart.
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        prefix: str = "gk:",
        member_ttl: float,
        non_member_ttl: float,
        retry_interval: float = 5.0,
        clock: Clock | None = None,
        on_error: Callable[[], None] = lambda: None,
        jitter: float = 0.0,
        rng: random.Random | None = None,
    ) -> None:
        if member_ttl <= 0 or non_member_ttl <= 0:
            raise ValueError("TTLs must be positive")
        # Each key's TTL shortened by up to this share, as in memory: a warm-up's verdicts do
        # not all expire, and get asked of Telegram again, in the same second.
        self._jitter = jitter
        self._random = rng or random.Random()
        self._redis = redis
        self._base_prefix = self._prefix = prefix
        self._member_ttl_ms = max(1, round(member_ttl * 1000))
        self._non_member_ttl_ms = max(1, round(non_member_ttl * 1000))
        self._retry_interval = retry_interval
        self._clock: Clock = clock or SystemClock()
        self._skip_until = 0.0
        self.healthy = True
        self.errors = 0  # failed calls since start
        self._on_error = on_error
        # Tags this process's invalidations, so that it does not drop its own fresh verdicts.
        self.instance = uuid.uuid4().hex[:16]
        self.skipped = 0  # calls not attempted while Redis was down

    def bind(self, bot_id: int) -> None:
        """Keep this bot's keys and announcements apart from other bots on the same Redis."""
        self._prefix = f"{self._base_prefix}{bot_id}:"

    @property
    def retry_interval(self) -> float:
        """Seconds Redis is left alone after a failure (or a timeout) before it is tried again."""
        return self._retry_interval

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def invalidation_channel(self) -> str:
        return f"{self._prefix}invalidate"

    def key(self, channel_id: ChatId, user_id: UserId) -> str:
        return f"{self._prefix}m:{channel_id}:{user_id}"

    async def get(self, channel_id: ChatId, user_id: UserId) -> Verdict | None:
        if self._skipping():
            return None
        try:
            raw = await self._redis.get(self.key(channel_id, user_id))
        except _FAILURES as exc:
            self._failed("get", exc)
            return None
        self._succeeded()
        return _decode(raw)

    async def get_many(
        self, channel_id: ChatId, user_ids: Iterable[UserId]
    ) -> dict[UserId, Verdict]:
        """The verdicts Redis holds for these users; absent users are simply missing."""
        users = list(dict.fromkeys(user_ids))
        if not users or self._skipping():
            return {}
        try:
            raws: list[Any] = await self._redis.mget([self.key(channel_id, u) for u in users])
        except _FAILURES as exc:
            self._failed("get_many", exc)
            return {}
        self._succeeded()
        found: dict[UserId, Verdict] = {}
        for user_id, raw in zip(users, raws, strict=True):
            verdict = _decode(raw)
            if verdict is not None:
                found[user_id] = verdict
        return found

    async def put(self, channel_id: ChatId, user_id: UserId, verdict: Verdict) -> None:
        if verdict is Verdict.UNKNOWN or self._skipping():
            return
        try:
            await self._redis.set(
                self.key(channel_id, user_id), verdict.value, px=self._ttl_ms(verdict)
            )
        except _FAILURES as exc:
            self._failed("put", exc)
            return
        self._succeeded()

    async def put_many(self, channel_id: ChatId, verdicts: Mapping[UserId, Verdict]) -> None:
        cacheable = {u: v for u, v in verdicts.items() if v is not Verdict.UNKNOWN}
        if not cacheable or self._skipping():
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for user_id, verdict in cacheable.items():
                    pipe.set(self.key(channel_id, user_id), verdict.value, px=self._ttl_ms(verdict))
                await pipe.execute()
        except _FAILURES as exc:
            self._failed("put_many", exc)
            return
        self._succeeded()

    async def forget(self, channel_id: ChatId, user_id: UserId) -> None:
        if self._skipping():
            return
        try:
            await self._redis.delete(self.key(channel_id, user_id))
        except _FAILURES as exc:
            self._failed("forget", exc)
            return
        self._succeeded()

    async def publish_invalidation(self, channel_id: ChatId, user_id: UserId | None) -> None:
        """Tells every process to drop its verdict (or, with no user, the whole channel's)."""
        message = f"{self.instance}/{channel_id}:{'' if user_id is None else user_id}"
        if self._skipping():
            return
        try:
            await self._redis.publish(self.invalidation_channel, message)
        except _FAILURES as exc:
            self._failed("publish", exc)
            return
        self._succeeded()

    async def listen_invalidations(
        self, handler: InvalidationHandler, *, retry_delay: float = 1.0
    ) -> None:
        """Runs until cancelled: calls `handler` for each invalidation any process publishes.

        A lost connection is retried every `retry_delay` seconds; while it is down, this process
        misses invalidations, which the TTLs bound.
        """
        while True:
            try:
                await self._listen_once(handler)
            except _FAILURES as exc:
                self._failed("listen", exc)
            await asyncio.sleep(retry_delay)

    async def _listen_once(self, handler: InvalidationHandler) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.invalidation_channel)
            self._succeeded()
            async for message in pubsub.listen():
                parsed = _parse_invalidation(message.get("data"))
                if parsed is not None and parsed[0] != self.instance:
                    handler(parsed[1], parsed[2])
        finally:
            with contextlib.suppress(*_FAILURES):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _ttl_ms(self, verdict: Verdict) -> int:
        ttl = self._member_ttl_ms if verdict is Verdict.MEMBER else self._non_member_ttl_ms
        if self._jitter:
            ttl = max(1, round(ttl * (1.0 - self._jitter * self._random.random())))
        return ttl

    def _skipping(self) -> bool:
        if self.healthy or self._clock.now() >= self._skip_until:
            return False
        self.skipped += 1
        return True

    def _failed(self, operation: str, exc: BaseException) -> None:
        self.errors += 1
        self._on_error()
        self._skip_until = self._clock.now() + self._retry_interval
        if self.healthy:
            self.healthy = False
            log.warning(
                "redis_unavailable", operation=operation, error=type(exc).__name__, detail=str(exc)
            )

    def _succeeded(self) -> None:
        if not self.healthy:
            self.healthy = True
            log.info("redis_recovered", failed_calls=self.errors)


def _parse_invalidation(data: object) -> tuple[str, ChatId, UserId | None] | None:
    """(sender instance, channel, user or None) from "instance/channel:user"."""
    if isinstance(data, bytes):
        data = data.decode("ascii", "replace")
    if not isinstance(data, str):
        return None
    origin, _, rest = data.rpartition("/")
    channel, _, user = rest.partition(":")
    try:
        return origin, int(channel), (int(user) if user else None)
    except ValueError:
        return None
