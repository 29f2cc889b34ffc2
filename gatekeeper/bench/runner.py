"""Running the benchmark: each configuration in a process of its own, then the report.

A configuration runs in a forked child so that nothing it leaves behind (tasks, caches, the
sim's world) weighs on the next one. Every child plays the same stream, built once here from
the seed. Bare Telethon runs alone in its child (its peak RSS is its own); every other
configuration has a bare Telethon client beside it in its child, the baseline its steady-state
throughput is compared with, chunk by chunk.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper.bench.contestants import Contestant, Gatekeeper, NaiveChecker
from gatekeeper.bench.meters import RedisMeter, peak_rss_mb, rss_mb
from gatekeeper.bench.phases import Figures, Phases
from gatekeeper.bench.scales import Scale, Stream
from gatekeeper.bench.world import BenchWorld
from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim.stage import Stage
from gatekeeper.storage.scratch import scratch_database


@dataclass(frozen=True)
class Config:
    name: str
    kind: str  # "bare", "naive" or "gatekeeper"
    database: str = "sqlite"  # or "postgres"
    redis_url: str | None = None
    postgres_url: str | None = None  # the server; each run gets a fresh database on it


def configs(postgres_url: str | None, redis_url: str | None) -> list[tuple[Config, str | None]]:
    """Every configuration, each with why it is skipped (None: it runs)."""
    no_pg = None if postgres_url else "skipped: no --postgres-url given"
    no_redis = None if redis_url else "skipped: no --redis-url given"
    return [
        (Config("bare Telethon", "bare"), None),
        (Config("naive checker", "naive"), None),
        (Config("Gatekeeper SQLite", "gatekeeper"), None),
        (Config("Gatekeeper SQLite+Redis", "gatekeeper", redis_url=redis_url), no_redis),
        (
            Config("Gatekeeper PostgreSQL", "gatekeeper", "postgres", postgres_url=postgres_url),
            no_pg,
        ),
        (
            Config(
                "Gatekeeper PostgreSQL+Redis",
                "gatekeeper",
                "postgres",
                redis_url=redis_url,
                postgres_url=postgres_url,
            ),
            no_pg or no_redis,
        ),
    ]


async def measure(scale: Scale, stream: Stream, config: Config) -> Figures:
    """One configuration through the stream, in this process; any but bare Telethon itself with
    bare Telethon beside it (a second bot of the same world) for the steady state's ratio."""
    configure_logging("ERROR")
    started_rss = rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        async with _database(config, Path(folder)) as url:
            # A seed of its own: the world's ids (and so its Redis keys) are this run's only.
            stage = Stage(url, redis_url=config.redis_url, seed=random.randrange(2**31))
            world = BenchWorld(stage, scale)
            companion = None
            if config.kind != "bare":
                bot = world.add_companion()
                companion = Contestant(stage, world, Path(folder) / "bare.session", bot)
            contestant = _contestant(config, stage, world, Path(folder) / "bot.session")
            redis = RedisMeter(config.redis_url) if config.redis_url else None
            try:
                figures = await Phases(contestant, world, stream, redis, companion).run()
            finally:
                await contestant.stop()
                if companion is not None:
                    await companion.stop()
                if redis is not None:
                    await redis.forget([c.peer_id for c in world.channels])
                    await redis.close()
    figures["peak_rss_mb"] = peak_rss_mb()
    figures["rss_added_mb"] = max(0.0, figures["peak_rss_mb"] - started_rss)
    return figures


def _contestant(config: Config, stage: Stage, world: BenchWorld, session: Path) -> Contestant:
    if config.kind == "bare":
        return Contestant(stage, world, session)
    if config.kind == "naive":
        return NaiveChecker(stage, world, session)
    return Gatekeeper(stage, world, session, config.name.removeprefix("Gatekeeper "))


@asynccontextmanager
async def _database(config: Config, folder: Path) -> AsyncIterator[str]:
    if config.database != "postgres" or not config.postgres_url:
        yield f"sqlite+aiosqlite:///{folder / 'gatekeeper.db'}"
        return
    async with scratch_database(config.postgres_url, "gk_bench") as url:
        yield url


def in_child(work: Callable[[], Figures]) -> Figures:
    """Run `work` in a forked process and bring back its figures (or its failure)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def target() -> None:
        try:
            send.send({"figures": work()})
        except BaseException as error:  # reported, not raised: the other configs still run
            send.send({"error": f"{type(error).__name__}: {error}"})

    child = context.Process(target=target)
    child.start()
    send.close()
    try:
        outcome: dict[str, Any] = receive.recv()
    except EOFError:
        outcome = {"error": "the process died"}
    child.join()
    return outcome.get("figures") or {"error": outcome.get("error", "no figures")}


def run_configs(
    scale: Scale, stream: Stream, postgres_url: str | None, redis_url: str | None, fork: bool
) -> dict[str, Figures]:
    results: dict[str, Figures] = {}
    for config, skipped in configs(postgres_url, redis_url):
        if skipped is not None:
            results[config.name] = {"skipped": skipped}
            continue

        def work(config: Config = config) -> Figures:
            return asyncio.run(measure(scale, stream, config))

        results[config.name] = in_child(work) if fork else work()
        print(f"  {scale.name}: {config.name} done", flush=True)
    return results
