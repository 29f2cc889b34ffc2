"""The one owner of Telegram pacing: budgets, flood waits, retries and priorities.

Every request the gateway makes goes through `Pacer.run`: a global token bucket (served by
priority, with a reserve that background work and the warm-up may not touch), the flood wait
Telegram last gave for that request type (Telethon remembers it per request constructor
across all chats, so we do too), and retries with backoff and jitter for transient failures.
The per-group message budget for notices and replies (`GroupBudget`) lives here too.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from telethon import errors

from gatekeeper.clock import Clock
from gatekeeper.domain.model import ChatId
from gatekeeper.domain.pacing import Bucket, Priority, backoff, take
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.ports import FloodWaited as FloodWaited
from gatekeeper.services.ports import TelegramUnavailable
from gatekeeper.services.priorities import background as background
from gatekeeper.services.priorities import current_priority
from gatekeeper.services.priorities import priority as priority

log = structlog.get_logger(__name__)
T = TypeVar("T")

GROUP_BUDGET = 20  # messages a bot may send to one group per minute (Bot FAQ)
BUDGET_WINDOW = 60.0
# Telegram's waits on a request type (FLOOD_PREMIUM_WAIT_X is the same wait in other words).
FLOOD_WAITS = (errors.FloodWaitError, errors.FloodPremiumWaitError)
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    ConnectionError,
    errors.ServerError,  # 500 INTERNAL, RPC_CALL_FAIL, ...
    errors.TimedOutError,  # -500/-503 'Timeout'
)
UNAVAILABLE_WAIT = 30  # seconds before work whose request kept failing is tried again


class GroupBudget:
    """At most GROUP_BUDGET messages per group in any BUDGET_WINDOW seconds; pruned as it goes."""

    def __init__(self, clock: Clock, per_window: int = GROUP_BUDGET) -> None:
        self._clock = clock
        self._per_window = per_window
        self._sent: dict[ChatId, deque[float]] = {}

    def _recent(self, group_id: ChatId) -> deque[float]:
        now = self._clock.now()
        sent = self._sent.setdefault(group_id, deque())
        while sent and now - sent[0] >= BUDGET_WINDOW:
            sent.popleft()
        return sent

    def left(self, group_id: ChatId) -> int:
        return self._per_window - len(self._recent(group_id))

    def take(self, group_id: ChatId) -> bool:
        """Count one message; False (nothing counted) when the group's budget is spent."""
        sent = self._recent(group_id)
        if len(sent) >= self._per_window:
            return False
        sent.append(self._clock.now())
        return True

    def spend(self, group_id: ChatId) -> None:
        """Count a message that goes regardless (a reply to an admin's command)."""
        self._recent(group_id).append(self._clock.now())

    def prune(self) -> None:
        for group_id in [g for g in self._sent if not self._recent(g)]:
            del self._sent[group_id]


class Pacer:
    def __init__(
        self,
        clock: Clock,
        metrics: Metrics,
        *,
        rate: float = 30.0,
        burst: float = 100.0,
        max_flood_sleep: float = 3.0,
        attempts: int = 3,
        backoff_base: float = 0.25,
        backoff_cap: float = 4.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self._clock = clock
        self._metrics = metrics
        self._max_flood_sleep = max_flood_sleep
        self._attempts = attempts
        self._backoff = (backoff_base, backoff_cap)
        self._monotonic = monotonic
        self._sleep = sleep
        self._draw = draw
        self._bucket = Bucket(burst, monotonic(), rate, burst)
        self._queue: list[tuple[int, int]] = []  # (priority, ticket) of waiting requests
        self._tickets = itertools.count()
        self._blocked_until: dict[str, float] = {}  # method -> clock time its wait ends
        self.messages = GroupBudget(clock)
        self.sent = 0  # requests that went out
        self.flood_waits: Counter[str] = Counter()  # by method, each FLOOD_WAIT Telegram gave

    def blocked_for(self, method: str) -> float:
        """Seconds Telegram still wants us to wait before the next `method` (0 if none)."""
        return max(0.0, self._blocked_until.get(method, 0.0) - self._clock.now())

    async def _acquire(self, level: Priority) -> None:
        bucket, wait = take(self._bucket, self._monotonic(), level)
        if wait == 0.0 and not self._queue:
            self._bucket = bucket
            return
        entry = (int(level), next(self._tickets))
        heapq.heappush(self._queue, entry)
        try:
            while True:
                if self._queue[0] == entry:
                    bucket, wait = take(self._bucket, self._monotonic(), level)
                    if wait == 0.0:
                        self._bucket = bucket
                        return
                else:  # someone more urgent (or earlier) goes first
                    wait = 1.0 / self._bucket.rate
                await self._sleep(wait)
        finally:
            self._queue.remove(entry)
            heapq.heapify(self._queue)

    async def _honour_flood_wait(self, method: str, patience: float | None = None) -> None:
        wait = self.blocked_for(method)
        if wait > (self._max_flood_sleep if patience is None else patience):
            raise FloodWaited(method, math.ceil(wait))
        if wait > 0:
            await self._sleep(wait)
            self._blocked_until.pop(method, None)

    async def run(
        self,
        method: str,
        call: Callable[[], Awaitable[T]],
        *,
        cached: bool = False,
        patience: float | None = None,
    ) -> T:
        """Run one request: within the budget, after any flood wait, retrying transient
        failures with backoff. Long flood waits raise FloodWaited, and transient failures
        that outlast the retries TelegramUnavailable (one of them): the caller postpones.

        `cached`: a call Telethon mostly answers from its own cache (an entity look-up): flood
        waits are honoured and learnt as for any call, but it spends no budget and a success
        is not counted as a request.

        `patience`: the longest flood wait slept rather than raised (the pacer's own otherwise).
        """
        level = current_priority()
        failures = 0
        for _attempt in range(self._attempts + 1):
            await self._honour_flood_wait(method, patience)
            if not cached:
                await self._acquire(level)
                self.sent += 1
            started = time.perf_counter()
            try:
                result = await call()
            except FLOOD_WAITS as error:
                self._flood_waited(method, error.seconds)
                continue
            except errors.SlowModeWaitError as error:
                # One chat's slow mode (the bot is no admin there), not a limit on the method.
                self._metrics.flood_wait(method, error.seconds)
                if error.seconds > self._max_flood_sleep:
                    raise FloodWaited(method, error.seconds) from error
                await self._sleep(error.seconds)
                continue
            except TRANSIENT_ERRORS as error:
                failures += 1
                outcome = "connection_error" if isinstance(error, ConnectionError) else "transient"
                if failures >= self._attempts:
                    # Not an error of the request: the work that needed it is postponed.
                    self._metrics.telegram_request(method, outcome)
                    reason = str(error) or type(error).__name__
                    raise TelegramUnavailable(method, UNAVAILABLE_WAIT, reason) from error
                base, cap = self._backoff
                await self._sleep(backoff(failures, base, cap, self._draw()))
                continue
            except errors.RPCError as error:
                self._metrics.telegram_latency(method, time.perf_counter() - started)
                self._metrics.telegram_request(method, type(error).__name__)
                raise
            if not cached:
                self._metrics.telegram_latency(method, time.perf_counter() - started)
                self._metrics.telegram_request(method, "ok")
            return result
        raise FloodWaited(method, max(1, math.ceil(self.blocked_for(method))))

    def _flood_waited(self, method: str, seconds: int) -> None:
        self._metrics.flood_wait(method, seconds)
        self.flood_waits[method] += 1
        until = self._clock.now() + seconds
        if until > self._blocked_until.get(method, 0.0):
            self._blocked_until[method] = until
            # One line per wait Telegram gives, however many callers it turns away.
            log.warning("flood_wait", method=method, seconds=seconds)
