"""A Redis that stops answering (paused with SIGSTOP, as a host dropping packets looks) costs
the bot a bounded wait: it carries on from memory and Telegram, and uses Redis again once it is
back. The Redis here is the test's own, so pausing it harms no other test."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from redis.asyncio import Redis

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.cache.shared import RedisMembership
from gatekeeper.domain.model import Verdict
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, say

HANG_GUARD = 30.0  # a hang fails the test instead of stalling the suite; not a speed check


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(10)


async def _until_answering(url: str) -> None:
    client = Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                if await client.ping():
                    return
            except OSError:
                pass
            except Exception:  # redis' ConnectionError while the server starts
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError("the private redis-server never answered")
    finally:
        await client.aclose()


@contextmanager
def paused(server: subprocess.Popen[bytes]) -> Iterator[None]:
    server.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        server.send_signal(signal.SIGCONT)


@pytest.fixture
async def paused_stage(
    private_redis: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> AsyncIterator[Stage]:
    url, _ = private_redis
    await _until_answering(url)
    database = f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"
    stage = Stage(database, session=tmp_path / "bot.session", redis_url=url)
    try:
        yield stage
    finally:
        await stage.stop()


async def test_a_paused_redis_degrades_the_bot_to_memory_and_is_used_again_when_back(
    paused_stage: Stage, private_redis: tuple[str, subprocess.Popen[bytes]]
) -> None:
    stage = paused_stage
    url, server = private_redis
    dave, erin = stage.user("Dave"), stage.user("Erin")
    for subscriber in (stage.alice, dave, erin):
        subscriber.join(stage.news)
    await guarded(stage, members=(stage.alice, stage.bob, dave, erin))
    assert stage.app is not None and stage.app.cache.shared is not None
    shared = stage.app.cache.shared
    await say(stage, stage.alice, stage.group, "checked while Redis answers")
    assert shared.healthy

    with paused(server):
        subscriber_says = dave.send(stage.group, "Redis is not answering")
        stage.bob.send(stage.group, "nor am I subscribed")
        await asyncio.wait_for(stage.settle(), HANG_GUARD)

        assert subscriber_says in stage.group.messages(), "the subscriber's message stays"
        assert stage.group.can_write(dave)
        assert not stage.group.can_write(stage.bob), "the unsubscribed member is muted"
        assert not shared.healthy, "the timeout counts as Redis being down"

    await stage.pass_time(shared.retry_interval + 1)
    await say(stage, erin, stage.group, "Redis is back")

    assert stage.group.can_write(erin)
    assert shared.healthy
    check = Redis.from_url(url)
    try:
        assert await check.get(shared.key(stage.news.peer_id, erin.id)) == b"member"
    finally:
        await check.aclose()


async def test_the_invalidation_listener_survives_a_pause(
    paused_stage: Stage, private_redis: tuple[str, subprocess.Popen[bytes]]
) -> None:
    stage = paused_stage
    url, server = private_redis
    stage.alice.join(stage.news)
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "known subscriber")
    assert stage.app is not None and stage.app.cache.shared is not None
    shared = stage.app.cache.shared

    with paused(server):
        await asyncio.sleep(2 * stage.settings().redis_timeout)
    # Another process of this bot, sharing the Redis, learns that she left.
    with stage.updates_lost():
        stage.alice.leave(stage.news)
    connection = Redis.from_url(url)
    other = MembershipCache(
        MembershipMemory(100, 3600, 300, stage.clock),
        RedisMembership(connection, prefix=shared.prefix, member_ttl=3600, non_member_ttl=300),
    )
    for _ in range(100):  # the announcement travels through Redis
        await other.store(stage.news.peer_id, stage.alice.id, Verdict.NOT_MEMBER, announce=True)
        await asyncio.sleep(0.05)
        if stage.app.cache.memory.get(stage.news.peer_id, stage.alice.id) is None:
            break
    await connection.aclose()

    await say(stage, stage.alice, stage.group, "still here?")

    assert not stage.group.can_write(stage.alice)
