"""Pacing arithmetic as tables: token buckets with reserves, the adaptive rate, backoff, jitter."""

from __future__ import annotations

import pytest

from gatekeeper.domain.pacing import (
    Bucket,
    Priority,
    Rate,
    RateLimits,
    after_flood_wait,
    after_success,
    backoff,
    jittered,
    start_rate,
    take,
    wait_before_next,
)

LIMITS = RateLimits(start=20.0, floor=1.0, ceiling=40.0, quiet=60.0)


@pytest.mark.parametrize(
    ("tokens", "level", "taken", "wait"),
    [
        (10.0, Priority.PRESS, True, 0.0),
        (1.0, Priority.ENFORCE, True, 0.0),  # enforcement may empty the bucket
        (0.5, Priority.ENFORCE, False, 0.05),  # half a token short at 10/s
        (4.0, Priority.BACKGROUND, True, 0.0),  # leaves the quarter reserve (2.5) intact
        (3.0, Priority.BACKGROUND, False, 0.05),
        (3.0, Priority.WARMUP, False, 0.3),  # the warm-up must leave half (5) for mutes
        (6.0, Priority.WARMUP, True, 0.0),
    ],
)
def test_a_bucket_serves_urgent_work_from_its_reserve(
    tokens: float, level: Priority, taken: bool, wait: float
) -> None:
    bucket = Bucket(tokens=tokens, at=100.0, rate=10.0, capacity=10.0)
    after, waited = take(bucket, 100.0, level)
    assert (after.tokens < tokens) is taken
    assert waited == pytest.approx(wait)


def test_a_bucket_refills_with_time_up_to_its_capacity() -> None:
    bucket = Bucket(tokens=0.0, at=0.0, rate=10.0, capacity=10.0)
    assert take(bucket, 0.5, Priority.ENFORCE)[0].tokens == pytest.approx(4.0)
    assert take(bucket, 60.0, Priority.ENFORCE)[0].tokens == pytest.approx(9.0)


@pytest.mark.parametrize(
    ("per_second", "flood", "expected"),
    [(20.0, 30, 10.0), (10.0, 5, 5.0), (1.5, 10, 1.0), (1.0, 10, 1.0)],
)
def test_a_flood_wait_halves_the_rate_down_to_the_floor(
    per_second: float, flood: int, expected: float
) -> None:
    rate = after_flood_wait(Rate(per_second), LIMITS, now=1000.0, seconds=flood)
    assert rate.per_second == expected
    assert rate.blocked_until == 1000.0 + flood
    assert wait_before_next(rate, 1000.0) == flood  # the wait is honoured


def test_the_rate_probes_back_up_only_after_a_quiet_period() -> None:
    rate = after_flood_wait(start_rate(LIMITS, 0.0), LIMITS, now=0.0, seconds=10)
    assert rate.per_second == 10.0
    assert after_success(rate, LIMITS, now=59.0) == rate, "not before a quiet minute"
    faster = after_success(rate, LIMITS, now=60.0)
    assert faster.per_second == 12.5
    assert after_success(faster, LIMITS, now=61.0) == faster, "one step per quiet period"
    for step in range(2, 10):
        faster = after_success(faster, LIMITS, now=60.0 * step)
    assert faster.per_second == LIMITS.ceiling


def test_between_requests_the_rate_sets_the_pace() -> None:
    assert wait_before_next(Rate(20.0), now=0.0) == 0.05


@pytest.mark.parametrize(
    ("attempt", "draw", "seconds"),
    [(1, 0.0, 0.125), (1, 1.0, 0.25), (2, 0.5, 0.375), (3, 1.0, 1.0), (9, 1.0, 4.0)],
)
def test_backoff_grows_is_capped_and_jittered(attempt: int, draw: float, seconds: float) -> None:
    assert backoff(attempt, base=0.25, cap=4.0, jitter=draw) == pytest.approx(seconds)


@pytest.mark.parametrize(("draw", "ttl"), [(0.0, 900.0), (0.5, 1000.0), (1.0, 1100.0)])
def test_ttls_are_spread_so_that_verdicts_do_not_expire_together(draw: float, ttl: float) -> None:
    assert jittered(1000.0, 0.1, draw) == pytest.approx(ttl)
