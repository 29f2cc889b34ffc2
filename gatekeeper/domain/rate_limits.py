"""Admission limits on what users make the bot do: per user, and for everyone together.

A request (a command, a button press) is admitted or refused at once, never queued: a refused
user is answered cheaply, so that a raid of presses cannot spend the bot's request budget.
Time is passed in, so the limits are tested as tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass

MAX_KEYS = 10_000  # users remembered at once


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `count` requests in any `per` seconds (a burst of `count`, then evenly)."""

    count: int
    per: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.per <= 0:
            raise ValueError("a rate needs count >= 1 and per > 0")


class _Bucket:
    __slots__ = ("at", "tokens")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens = tokens
        self.at = at


class Limiter:
    """Token buckets: one per key (user) and, optionally, one shared by every key.

    A request must find a token in both; a request refused by the shared bucket costs its user
    nothing, and one refused by the user's own bucket costs everyone else nothing.
    """

    def __init__(
        self, per_key: Rate, overall: Rate | None = None, *, max_keys: int = MAX_KEYS
    ) -> None:
        self._per_key = per_key
        self._overall = overall
        self._max_keys = max(1, max_keys)
        self._buckets: dict[Hashable, _Bucket] = {}
        self._shared: _Bucket | None = None

    def allow(self, key: Hashable, now: float) -> bool:
        own = self._buckets.get(key)
        if own is None:
            if len(self._buckets) >= self._max_keys:
                self._make_room(now)
            own = self._buckets[key] = _Bucket(float(self._per_key.count), now)
        _refill(own, self._per_key, now)
        if own.tokens < 1.0:
            return False
        if self._overall is not None:
            if self._shared is None:
                self._shared = _Bucket(float(self._overall.count), now)
            _refill(self._shared, self._overall, now)
            if self._shared.tokens < 1.0:
                return False
            self._shared.tokens -= 1.0
        own.tokens -= 1.0
        return True

    def forget_old(self, now: float) -> None:
        """Drop users whose bucket is full again (they are as good as new)."""
        for key in [k for k, b in self._buckets.items() if _full(b, self._per_key, now)]:
            del self._buckets[key]

    def _make_room(self, now: float) -> None:
        """Full buckets go first; if that is not enough, the oldest tenth of the keys (the
        shared bucket still bounds what everyone together may do)."""
        self.forget_old(now)
        if len(self._buckets) >= self._max_keys:
            oldest = list(itertools.islice(self._buckets, max(1, self._max_keys // 10)))
            for key in oldest:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


def _refill(bucket: _Bucket, rate: Rate, now: float) -> None:
    if now > bucket.at:
        gained = (now - bucket.at) * rate.count / rate.per
        bucket.tokens = min(float(rate.count), bucket.tokens + gained)
        bucket.at = now


def _full(bucket: _Bucket, rate: Rate, now: float) -> bool:
    return bucket.tokens + (now - bucket.at) * rate.count / rate.per >= rate.count
