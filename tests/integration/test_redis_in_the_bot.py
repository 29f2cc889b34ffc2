"""With Redis configured, verdicts survive a restart; with Redis down, the bot carries on."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.cache.shared import RedisMembership
from gatekeeper.domain.model import Verdict
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, protect, say


@pytest.fixture
async def redis_stage(redis_url: str, tmp_path: Path) -> AsyncIterator[Stage]:
    database = f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"
    # A database number of its own keeps this test's keys apart from other tests'.
    stage = Stage(database, session=tmp_path / "bot.session", redis_url=redis_url, seed=7)
    flush = Redis.from_url(redis_url)
    await flush.flushdb()
    try:
        yield stage
    finally:
        await stage.stop()
        await flush.flushdb()
        await flush.aclose()


async def test_a_verdict_cached_in_redis_spares_telegram_after_a_restart(
    redis_stage: Stage,
) -> None:
    stage = redis_stage
    stage.alice.join(stage.news)
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "checked once")
    assert stage.sim.requests["GetParticipantRequest"] >= 1

    await stage.restart()
    stage.sim.requests.clear()
    await say(stage, stage.alice, stage.group, "known from Redis")

    assert stage.group.can_write(stage.alice)
    assert stage.sim.requests["GetParticipantRequest"] == 0
    assert stage.app is not None
    assert 'source="redis"' in stage.app.metrics.render().decode()


async def test_the_bot_keeps_guarding_when_redis_is_unreachable(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"
    stage = Stage(database, redis_url=f"redis://127.0.0.1:1/{uuid.uuid4().int % 16}")
    try:
        stage.make_admin(stage.group)
        stage.make_admin(stage.news)
        stage.alice.join(stage.group)
        await stage.start()
        await protect(stage, stage.news)

        await say(stage, stage.alice, stage.group, "hello")

        assert not stage.group.can_write(stage.alice)
    finally:
        await stage.stop()


async def test_a_change_announced_by_another_process_of_this_bot_is_heeded(
    redis_stage: Stage, redis_url: str
) -> None:
    stage = redis_stage
    stage.alice.join(stage.news)
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "known subscriber")
    assert stage.group.can_write(stage.alice)

    # Another process of this bot, sharing the Redis, learns that she left (this one does not).
    with stage.updates_lost():
        stage.alice.leave(stage.news)
    connection = Redis.from_url(redis_url)
    other = MembershipCache(
        MembershipMemory(100, 3600, 300, stage.clock),
        RedisMembership(connection, prefix=_prefix_of(stage), member_ttl=3600, non_member_ttl=300),
    )
    await other.store(stage.news.peer_id, stage.alice.id, Verdict.NOT_MEMBER, announce=True)
    await connection.aclose()
    await asyncio.sleep(0.2)  # the announcement travels through Redis

    await say(stage, stage.alice, stage.group, "still here?")

    assert not stage.group.can_write(stage.alice)


def _prefix_of(stage: Stage) -> str:
    assert stage.app is not None and stage.app.cache.shared is not None
    return stage.app.cache.shared.prefix
