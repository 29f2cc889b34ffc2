"""With Redis configured, every instance sees how far a group's warm-up got."""

from __future__ import annotations

from pathlib import Path

from redis.asyncio import Redis

from gatekeeper.cache.warmup_share import RedisWarmups
from gatekeeper.domain.warmup import WarmupState
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded


async def test_another_instance_reads_the_warm_up_s_progress_from_redis(
    redis_url: str, tmp_path: Path
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"
    stage = Stage(
        database,
        session=tmp_path / "bot.session",
        redis_url=redis_url,
        warmup_interval=86_400.0,
        warmup_rate=1_000.0,
    )
    elsewhere = Redis.from_url(redis_url)
    try:
        for i in range(4):
            stage.user(f"Reader{i}").join(stage.group)
        await guarded(stage, members=())
        assert stage.app is not None
        here = stage.app.warmup.progress(stage.group.peer_id)
        assert here is not None and here.state is WarmupState.DONE

        other = RedisWarmups(elsewhere)  # another instance of the same bot
        other.bind(stage.bot.id)
        seen = await other.get(stage.group.peer_id)
        assert seen == here
        assert await stage.app.warmup.shared_progress(stage.group.peer_id) == here
    finally:
        await stage.stop()
        await elsewhere.delete(f"gk:{stage.bot.id}:warmup:{stage.group.peer_id}")
        await elsewhere.aclose()


async def test_with_redis_down_a_warm_up_still_finishes(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"
    stage = Stage(
        database,
        session=tmp_path / "bot.session",
        redis_url="redis://127.0.0.1:9/0",  # nothing listens there
        warmup_interval=86_400.0,
        warmup_rate=1_000.0,
    )
    try:
        for i in range(3):
            stage.user(f"Reader{i}").join(stage.group)
        await guarded(stage, members=())
        assert stage.app is not None
        done = stage.app.warmup.progress(stage.group.peer_id)
        assert done is not None and done.state is WarmupState.DONE
        assert stage.app.warmup.shared is not None and not stage.app.warmup.shared.healthy
    finally:
        await stage.stop()
