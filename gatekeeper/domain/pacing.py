"""How fast to talk to Telegram: token buckets, adaptive rates, backoff. Pure arithmetic.

The pacing module (gatekeeper/telegram/pacing.py) keeps the state and the clock; these
functions only say what the next state is, so they are tested as tables.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum


class Priority(IntEnum):
    """Who goes first when the budget is short: lower values are served first."""

    PRESS = 0  # a member pressed "I have joined"
    ENFORCE = 1  # mutes, deletions, notices, checks of members who just wrote or arrived
    BACKGROUND = 2  # re-checks after a restart or a healed link, releases in bulk
    WARMUP = 3  # bulk verification of a group's members


@dataclass(frozen=True, slots=True)
class Bucket:
    """A token bucket: `tokens` available at time `at`, refilled at `rate` up to `capacity`."""

    tokens: float
    at: float
    rate: float
    capacity: float


def refill(bucket: Bucket, now: float) -> Bucket:
    elapsed = max(0.0, now - bucket.at)
    tokens = min(bucket.capacity, bucket.tokens + elapsed * bucket.rate)
    return replace(bucket, tokens=tokens, at=max(now, bucket.at))


def reserve_for(priority: Priority, capacity: float) -> float:
    """Tokens a request of this priority must leave in the bucket for more urgent work.

    Presses and enforcement may empty the bucket; background work leaves a quarter of it and
    the warm-up half, so that a burst of mutes always finds a budget waiting.
    """
    if priority <= Priority.ENFORCE:
        return 0.0
    if priority is Priority.BACKGROUND:
        return capacity / 4
    return capacity / 2


def take(bucket: Bucket, now: float, priority: Priority) -> tuple[Bucket, float]:
    """(the bucket after, 0.0) if a token is taken now; else (the bucket, seconds to wait)."""
    bucket = refill(bucket, now)
    need = 1.0 + reserve_for(priority, bucket.capacity)
    if bucket.tokens >= need:
        return replace(bucket, tokens=bucket.tokens - 1.0), 0.0
    return bucket, (need - bucket.tokens) / bucket.rate


@dataclass(frozen=True, slots=True)
class RateLimits:
    start: float  # requests per second to begin with
    floor: float  # never slower than this
    ceiling: float  # never faster than this
    quiet: float  # seconds without a flood wait before probing faster
    step: float = 1.25  # factor of each probe upwards


@dataclass(frozen=True, slots=True)
class Rate:
    """An adaptive rate: `per_second` now; the last flood wait and the last change."""

    per_second: float
    blocked_until: float = 0.0
    changed_at: float = 0.0


def start_rate(limits: RateLimits, now: float) -> Rate:
    return Rate(limits.start, 0.0, now)


def after_flood_wait(rate: Rate, limits: RateLimits, now: float, seconds: float) -> Rate:
    """Telegram asked to wait: halve the rate and wait as long as it said."""
    return Rate(max(limits.floor, rate.per_second / 2), max(rate.blocked_until, now + seconds), now)


def after_success(rate: Rate, limits: RateLimits, now: float) -> Rate:
    """A request went through: after a quiet period, probe a little faster."""
    if now - rate.changed_at < limits.quiet or rate.per_second >= limits.ceiling:
        return rate
    return replace(
        rate, per_second=min(limits.ceiling, rate.per_second * limits.step), changed_at=now
    )


def wait_before_next(rate: Rate, now: float) -> float:
    """Seconds to wait before the next request at this rate (a flood wait counts)."""
    return max(rate.blocked_until - now, 1.0 / rate.per_second)


def backoff(attempt: int, base: float, cap: float, jitter: float) -> float:
    """Seconds before retry `attempt` (1, 2, ...) of a transient failure: exponential, capped,
    with `jitter` (0..1, drawn by the caller) spreading retries so that they do not align."""
    ceiling: float = min(cap, base * 2.0 ** (attempt - 1))
    return ceiling / 2 + ceiling / 2 * jitter


def jittered(ttl: float, spread: float, draw: float) -> float:
    """A TTL moved by up to +-`spread` (a fraction) so that verdicts do not expire together;
    `draw` is a number in 0..1 from the caller's random source."""
    return ttl * (1.0 - spread + 2.0 * spread * draw)
