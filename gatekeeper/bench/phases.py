"""One contestant through the stream's three phases, and what each phase cost.

- first pass: each writer's first message, live through the simulated Telegram (verdicts are
  unknown: this is where checks and mutes happen; Telegram calls are what count here);
- steady state: the whole stream of those allowed to write, ready-made updates put straight
  into the client's update queue, so the sim's cost is outside the timed figure (and what
  the sim spends answering calls made meanwhile is subtracted); fed in chunks of 400. With a
  companion (bare Telethon, a second bot in the same world), each chunk's messages are made
  ready for both bots and fed to one, then the other, the order alternating (ABBA) so that
  a drift of the machine's load favours neither; the figure is the median of the per-chunk
  ratios of their rates, with its 25th-75th percentiles: the load of the moment weighs on
  both halves of a pair alike, where two processes one after the other each get their own;
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
from gatekeeper.bench.meters import (
    Dispatches,
    RedisMeter,
    TelegramMeter,
    percentile,
    quartiles,
)
from gatekeeper.bench.scales import Stream
from gatekeeper.bench.world import PATIENCE, TEXT, BenchWorld

FIRST_PASS_BATCH = 200
STEADY_CHUNK = 400  # updates per chunk, fed to each of a pair
STEADY_CHUNKS_MIN = 8  # a short stream is cut finer, for a spread to be read
FEED_TIMEOUT = 600.0

Figures = dict[str, Any]


class Phases:
    """`contestant` through the phases; `companion` (bare Telethon, logged in as a second bot
    of the same world) handles the same steady-state chunks, interleaved with it."""

    def __init__(
        self,
        contestant: Contestant,
        world: BenchWorld,
        stream: Stream,
        redis: RedisMeter | None = None,
        companion: Contestant | None = None,
    ) -> None:
        self.contestant = contestant
        self.companion = companion
        self.world = world
        self.stream = stream
        self.redis = redis
        self.telegram = TelegramMeter(world.stage.sim, contestant.bot.id)
        self.dispatches = Dispatches(contestant.client)
        self.companion_dispatches = Dispatches(companion.client) if companion else None

    async def run(self) -> Figures:
        if self.companion is not None:
            await self.companion.start()  # first: it is sent all the contestant's doings too
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
        ours = _Feed(self.contestant, self.dispatches, "contestant")
        feeds = [ours]
        if self.companion is not None and self.companion_dispatches is not None:
            feeds.append(_Feed(self.companion, self.companion_dispatches, "bare"))
        before = await self._counts()
        ratios: list[float] = []
        first: list[str] = []
        steady = self.stream.steady
        size = min(STEADY_CHUNK, max(1, -(-len(steady) // STEADY_CHUNKS_MIN)))
        for index, chunk in enumerate(_chunks(steady, size)):
            ready = self._make_ready(chunk, feeds)
            order = feeds if index % 2 == 0 else feeds[::-1]  # A B, B A, A B, ...
            for feed in order:
                await self._feed(feed, ready[feed.bot_id])
            first.append(order[0].role)
            if len(feeds) == 2:
                bare = feeds[1]
                ratios.append(bare.cpu[-1] / max(ours.cpu[-1], 1e-9))  # same updates: rate ratio
        spent = self._spent(before, await self._counts())
        figures = self._calls(spent, ours.fed, None)
        figures.update(ours.figures(), chunks=len(ours.cpu), chunk_size=size)
        if len(feeds) == 2:
            figures.update(bare_first=first.count("bare"), bare_second=first.count("contestant"))
        figures["companion_telegram_calls"] = spent["others"]
        if len(feeds) == 2:
            low, median, high = quartiles(ratios)
            figures.update(
                throughput_vs_bare=median,
                throughput_vs_bare_p25=low,
                throughput_vs_bare_p75=high,
                chunk_ratios=ratios,
                bare={"messages": feeds[1].fed, **feeds[1].figures()},
            )
        return figures

    def _make_ready(self, chunk: Sequence[tuple[int, int]], feeds: list[_Feed]) -> dict[int, Any]:
        """The chunk's messages, posted while every client is detached: one list of ready
        updates per bot, made from the same messages."""
        sim = self.world.stage.sim
        senders = [feed.client._sender for feed in feeds]
        for sender in senders:
            sim.detach(sender)
        ready: dict[int, list[Any]] = {feed.bot_id: [] for feed in feeds}
        try:
            for g, m in chunk:
                for bot_id, updates in self.world.post_unseen(g, m).items():
                    if bot_id in ready:
                        ready[bot_id].append(updates)
        finally:
            for sender in senders:
                sim.attach(sender)
        return ready

    async def _feed(self, feed: _Feed, ready: list[Any]) -> None:
        """One client handles `ready`, timed in CPU time of the event loop's thread, less
        the sim's time answering meanwhile; the other client has nothing to do."""
        client = feed.client
        done = feed.dispatches.expect(len(ready))
        gc.freeze()  # the sim's world and the ready updates are not the bot's heap
        sim_before = self.telegram.seconds
        started, started_wall = thread_time(), perf_counter()
        for updates in ready:
            client._updates_queue.put_nowait(updates)
        await asyncio.wait_for(done, FEED_TIMEOUT)
        sim = self.telegram.seconds - sim_before
        feed.cpu.append(thread_time() - started - sim)
        feed.sizes.append(len(ready))
        feed.wall += perf_counter() - started_wall
        feed.sim += sim
        gc.unfreeze()
        await self.world.stage.settle(PATIENCE)

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


class _Feed:
    """One client's share of the steady state: its chunks' CPU times and latencies."""

    def __init__(self, contestant: Contestant, dispatches: Dispatches, role: str) -> None:
        self.client = contestant.client
        self.bot_id = contestant.bot.id
        self.role = role
        self.dispatches = dispatches
        dispatches.latencies.clear()
        self.cpu: list[float] = []
        self.sizes: list[int] = []
        self.wall = self.sim = 0.0

    @property
    def fed(self) -> int:
        return sum(self.sizes)

    def figures(self) -> Figures:
        rates = [n / max(cpu, 1e-9) for n, cpu in zip(self.sizes, self.cpu, strict=True)]
        low, median, high = quartiles(rates)
        latencies = self.dispatches.latencies
        cpu = sum(self.cpu)
        return {
            "updates_per_second": median,
            "updates_per_second_p25": low,
            "updates_per_second_p75": high,
            "updates_per_second_overall": self.fed / max(cpu, 1e-9),
            "p50_us": percentile(latencies, 0.50) * 1e6,
            "p99_us": percentile(latencies, 0.99) * 1e6,
            "handled": len(latencies),
            "sim_seconds_excluded": self.sim,
            "cpu_seconds": cpu,
            "wall_seconds": self.wall,
        }


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
