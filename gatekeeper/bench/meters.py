"""What the benchmark counts: Telegram calls, the sim's own time, database and Redis calls,
each update's handling time, and memory.

Times are the event loop thread's CPU time (`time.thread_time`), not the wall clock: the
machine is shared, and another process's work must not show up as the bot's.

The meters hook private seams of the sim and of Telethon (the harness may; the bot never does).
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
from collections import Counter
from contextvars import ContextVar
from time import thread_time
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from telethon import TelegramClient
from telethon.tl import functions

from gatekeeper.sim import SimTelegram

# The sim's time spent inside the update being handled, to take it out of its latency.
_SIM_TIME: ContextVar[list[float] | None] = ContextVar("bench_sim_time", default=None)


class TelegramMeter:
    """Counts the requests the sim answers (those of `account` alone, when one is given; the
    others' in `other_calls`), tells channel checks from look-ups in a group, and adds up the
    time the sim spends answering anyone (which is Telegram's, not the bot's)."""

    def __init__(self, sim: SimTelegram, account: int | None = None) -> None:
        self.calls: Counter[str] = Counter()
        self.other_calls = 0
        self.seconds = 0.0
        self._chats = sim.world.chats
        answer = sim.dispatch

        def dispatch(sender: Any, request: Any) -> Any:
            started = thread_time()
            try:
                return answer(sender, request)
            finally:
                if account is None or sender.account_id == account:
                    self._count(request)
                else:
                    self.other_calls += 1
                spent = thread_time() - started
                self.seconds += spent
                cell = _SIM_TIME.get()
                if cell is not None:
                    cell[0] += spent

        sim.dispatch = dispatch  # type: ignore[method-assign]

    def _count(self, request: Any) -> None:
        self.calls["total"] += 1
        if isinstance(request, functions.channels.GetParticipantRequest):
            chat = self._chats.get(getattr(request.channel, "channel_id", 0))
            kind = "channel_checks" if chat is not None and chat.broadcast else "group_lookups"
            self.calls[kind] += 1
        elif isinstance(request, functions.channels.EditBannedRequest):
            self.calls["mutes_and_releases"] += 1

    def snapshot(self) -> Counter[str]:
        counts = Counter(self.calls)
        counts["others"] = self.other_calls
        return counts


class DatabaseMeter:
    """Statements sent to the database (SQLAlchemy's `before_cursor_execute`)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.statements += 1


class RedisMeter:
    """Commands the Redis server ran, from `INFO commandstats` (its own INFO left out)."""

    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(url)

    async def commands(self) -> int:
        stats: dict[str, Any] = await self._redis.info("commandstats")
        return sum(int(v["calls"]) for k, v in stats.items() if k != "cmdstat_info")

    async def forget(self, channel_ids: list[int]) -> None:
        """Drop the verdicts a run left about its own channels (no one else's keys)."""
        for channel_id in channel_ids:
            async for key in self._redis.scan_iter(match=f"gk:m:{channel_id}:*", count=1000):
                await self._redis.delete(key)

    async def close(self) -> None:
        await self._redis.aclose()


class Dispatches:
    """Times each update from Telethon's dispatch to the end of its handlers, less the sim's
    time inside it, and tells when a given number of updates has been handled."""

    def __init__(self, client: TelegramClient) -> None:
        self.latencies: list[float] = []
        self.handled = 0
        self._target = 0
        self._done: asyncio.Future[None] | None = None
        dispatch = client._dispatch_update

        async def timed(update: Any) -> None:
            cell = [0.0]
            token = _SIM_TIME.set(cell)
            started = thread_time()
            try:
                await dispatch(update)
            finally:
                self.latencies.append(thread_time() - started - cell[0])
                _SIM_TIME.reset(token)
                self.handled += 1
                done = self._done
                if done is not None and self.handled >= self._target and not done.done():
                    done.set_result(None)

        client._dispatch_update = timed

    def expect(self, updates: int) -> asyncio.Future[None]:
        """A future done once `updates` more updates have been handled."""
        self._target = self.handled + updates
        self._done = asyncio.get_running_loop().create_future()
        return self._done


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """The 25th percentile, the median and the 75th percentile (interpolated)."""
    if len(values) < 2:
        only = values[0] if values else 0.0
        return only, only, only
    low, middle, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, middle, high


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        resident = int(statm.read().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20
