"""Warm-up progress in Redis, so that every instance sharing it sees how far a group got.

Like the verdicts there, an optimisation: a failure is logged once per outage and turned into
a miss (reads) or a no-op (writes); the database holds the progress that counts.
"""

from __future__ import annotations

import json

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from gatekeeper.domain.model import ChatId
from gatekeeper.domain.warmup import WarmupProgress, as_record, from_record

log = structlog.get_logger(__name__)

KEEP_SECONDS = 7 * 86400  # a finished warm-up's progress is kept this long


class RedisWarmups:
    """`{prefix}warmup:{group_id}` -> the group's progress as JSON."""

    def __init__(self, redis: aioredis.Redis, prefix: str = "gk:") -> None:
        self._redis = redis
        self._base_prefix = self._prefix = prefix
        self.healthy = True

    def bind(self, bot_id: int) -> None:
        self._prefix = f"{self._base_prefix}{bot_id}:"

    def key(self, group_id: ChatId) -> str:
        return f"{self._prefix}warmup:{group_id}"

    async def put(self, progress: WarmupProgress) -> None:
        document = json.dumps(as_record(progress))
        try:
            await self._redis.set(self.key(progress.group_id), document, ex=KEEP_SECONDS)
        except (RedisError, OSError) as error:
            self._failed("put", error)
            return
        self.healthy = True

    async def get(self, group_id: ChatId) -> WarmupProgress | None:
        try:
            raw = await self._redis.get(self.key(group_id))
        except (RedisError, OSError) as error:
            self._failed("get", error)
            return None
        self.healthy = True
        if raw is None:
            return None
        try:
            return from_record(json.loads(raw))
        except (ValueError, TypeError):
            return None  # written by another version: the database has it right

    def _failed(self, operation: str, error: BaseException) -> None:
        if self.healthy:
            log.warning("redis_warmup_failed", operation=operation, error=repr(error))
        self.healthy = False
