"""One contestant through the stream's three phases, and what each phase cost.

- first pass: each writer's first message, live through the simulated Telegram (verdicts are
  unknown: this is where checks and mutes happen; Telegram calls are what count here);
- steady state: the whole stream of those allowed to write, ready-made updates put straight
  into the client's update queue, so the sim's cost is outside the timed figure (and what
  the sim spends answering calls made meanwhile is subtracted); fed in ten chunks, the best
  chunk's rate is the figure, as `timeit` takes the best run: on a shared machine noise only
  ever slows a run down;
- burst: 50 newcomers (30 unsubscribed) writing twice each in the same second, every update
  queued before the first is handled.
"""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from time import perf_counter, thread_time
from typing import Any

from gatekeeper.bench.contestants import Contestant
from gatekeeper.bench.meters import Dispatches, RedisMeter, TelegramMeter, percentile
from gatekeeper.bench.scales import Stream
from gatekeeper.bench.world import PATIENCE, TEXT, BenchWorld

FIRST_PASS_BATCH = 200
STEADY_CHUNKS = 10  # the best chunk's rate is the figure: noise only ever slows
STEADY_CHUNK_MIN = 200
FEED_TIMEOUT = 600.0

Figures = dict[str, Any]


class Phases:
    def __init__(
        self,
        contestant: Contestant,
        world: BenchWorld,
        stream: Stream,
        redis: RedisMeter | None = None,
    ) -> None:
        self.contestant = contestant
        self.world = world
        self.stream = stream
        self.redis = redis
        self.telegram = TelegramMeter(world.stage.sim)
        self.dispatches = Dispatches(contestant.client)

    async def run(self) -> Figures:
        await self.contestant.start()
        return {
            "first_pass": await self.first_pass(),
            "steady": await self.steady(),
            "burst": await self.burst(),
        }

    async def first_pass(self) -> Figures:
        stage, world = self.world.stage, self.world
        before = await self._counts()
        for batch in _chunks(self.stream.first_pass, FIRST_PASS_BATCH):
            for g, m in batch:
                world.member(g, m).send(world.groups[g], TEXT)
            await stage.settle(PATIENCE)
        spent = self._spent(before, await self._counts())
        pairs = len(self.stream.unknown_pairs())
        return self._calls(spent, len(self.stream.first_pass), pairs)

    async def steady(self) -> Figures:
        stage, client = self.world.stage, self.contestant.client
        before = await self._counts()
        self.dispatches.latencies.clear()
        rates: list[float] = []
        cpu = wall = sim = 0.0
        fed = 0
        size = max(STEADY_CHUNK_MIN, len(self.stream.steady) // STEADY_CHUNKS)
        for chunk in _chunks(self.stream.steady, size):
            sender = client._sender
            stage.sim.detach(sender)
            try:
                ready = [self.world.post_unseen(g, m) for g, m in chunk]
            finally:
                stage.sim.attach(sender)
            done = self.dispatches.expect(len(ready))
            gc.freeze()  # the sim's world and the ready updates are not the bot's heap
            sim_before = self.telegram.seconds
            started, started_wall = thread_time(), perf_counter()
            for updates in ready:
                client._updates_queue.put_nowait(updates)
            await asyncio.wait_for(done, FEED_TIMEOUT)
            own = thread_time() - started - (self.telegram.seconds - sim_before)
            wall += perf_counter() - started_wall
            sim += self.telegram.seconds - sim_before
            cpu += own
            rates.append(len(ready) / max(own, 1e-9))
            fed += len(ready)
            gc.unfreeze()
            await stage.settle(PATIENCE)
        spent = self._spent(before, await self._counts())
        latencies = self.dispatches.latencies
        figures = self._calls(spent, fed, None)
        figures.update(
            updates_per_second=max(rates, default=0.0),
            updates_per_second_overall=fed / max(cpu, 1e-9),
            p50_us=percentile(latencies, 0.50) * 1e6,
            p99_us=percentile(latencies, 0.99) * 1e6,
            sim_seconds_excluded=sim,
            cpu_seconds=cpu,
            wall_seconds=wall,
        )
        return figures

    async def burst(self) -> Figures:
        stage, world = self.world.stage, self.world
        writes = self.stream.burst()
        before = await self._counts()
        for index, subscribed in writes:
            world.newcomer(index, subscribed).send(world.groups[0], TEXT)
        await stage.settle(PATIENCE)
        spent = self._spent(before, await self._counts())
        writers = {index for index, _ in writes}
        pairs = len(writers) * len(world.scale.channels_of(0))
        figures = self._calls(spent, len(writes), pairs)
        figures["writers"] = len(writers)
        return figures

    async def _counts(self) -> Counter[str]:
        counts = self.telegram.snapshot()
        if self.contestant.database is not None:
            counts["database"] = self.contestant.database.statements
        if self.redis is not None:
            counts["redis"] = await self.redis.commands()
        return counts

    @staticmethod
    def _spent(before: Counter[str], after: Counter[str]) -> Counter[str]:
        return Counter({k: after[k] - before[k] for k in after})

    def _calls(self, spent: Counter[str], messages: int, unknown_pairs: int | None) -> Figures:
        per = max(messages, 1)
        figures: Figures = {
            "messages": messages,
            "telegram_calls": spent["total"],
            "telegram_calls_per_1000": spent["total"] * 1000 / per,
            "channel_checks": spent["channel_checks"],
            "group_lookups": spent["group_lookups"],
            "mutes_and_releases": spent["mutes_and_releases"],
            "database_calls_per_message": (
                spent["database"] / per if self.contestant.database is not None else None
            ),
            "redis_calls_per_message": spent["redis"] / per if self.redis is not None else None,
        }
        if unknown_pairs is not None:
            figures["unknown_pairs"] = unknown_pairs
            figures["checks_per_unknown_pair"] = spent["channel_checks"] / max(unknown_pairs, 1)
        return figures


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
