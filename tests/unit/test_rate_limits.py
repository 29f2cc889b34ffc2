"""Admission limits: a burst per user, then an even pace; a cap shared by everyone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.domain.rate_limits import Limiter, Rate


@pytest.mark.parametrize(
    ("rate", "times", "admitted"),
    [
        # a burst of 3, then one more every 10 s
        (Rate(3, 30), [0, 0, 0, 0], [True, True, True, False]),
        (Rate(3, 30), [0, 0, 0, 5, 10], [True, True, True, False, True]),
        (Rate(3, 30), [0, 0, 0, 10, 10], [True, True, True, True, False]),
        # a quiet spell refills the burst, never beyond it
        (Rate(2, 10), [0, 0, 1000, 1000, 1000], [True, True, True, True, False]),
        # one every 5 s
        (Rate(1, 5), [0, 4.9, 5, 6, 10], [True, False, True, False, True]),
        # refused requests do not count
        (Rate(1, 5), [0, 1, 2, 3, 4, 5], [True, False, False, False, False, True]),
    ],
)
def test_each_user_gets_a_burst_then_an_even_pace(
    rate: Rate, times: list[float], admitted: list[bool]
) -> None:
    limiter = Limiter(rate)
    assert [limiter.allow("alice", t) for t in times] == admitted


def test_one_users_presses_never_limit_another() -> None:
    limiter = Limiter(Rate(1, 60))
    assert limiter.allow("alice", 0)
    assert not limiter.allow("alice", 1)
    assert limiter.allow("bob", 1)


@pytest.mark.parametrize(
    ("overall", "pressers", "admitted"),
    [
        # a raid of 6 distinct users at once against a cap of 4 a second
        (Rate(4, 1), ["u1", "u2", "u3", "u4", "u5", "u6"], 4),
        (Rate(10, 1), ["u1", "u2", "u3"], 3),
        # the same user again is stopped by their own limit, not the shared one
        (Rate(10, 1), ["u1", "u1", "u1"], 1),
    ],
)
def test_a_raid_is_capped_for_everyone_together(
    overall: Rate, pressers: list[str], admitted: int
) -> None:
    limiter = Limiter(Rate(1, 60), overall)
    assert sum(limiter.allow(user, 0) for user in pressers) == admitted


def test_a_user_refused_by_the_shared_cap_keeps_their_own_allowance() -> None:
    limiter = Limiter(Rate(1, 60), Rate(1, 1))
    assert limiter.allow("u1", 0)
    assert not limiter.allow("u2", 0), "the cap is spent"
    assert limiter.allow("u2", 1), "u2 was not charged for the refusal"


def test_users_whose_allowance_is_whole_again_are_forgotten() -> None:
    limiter = Limiter(Rate(2, 10))
    limiter.allow("alice", 0)
    limiter.allow("bob", 9)
    limiter.forget_old(10)
    assert len(limiter) == 1, "alice is whole again at 10 s, bob is not"


@pytest.mark.parametrize(("count", "per"), [(0, 1.0), (1, 0.0), (-1, 5.0)])
def test_a_rate_must_admit_something(count: int, per: float) -> None:
    with pytest.raises(ValueError):
        Rate(count, per)


@given(
    st.integers(1, 10),
    st.floats(0.5, 100),
    st.lists(st.floats(0, 1000, allow_nan=False), max_size=60).map(sorted),
)
def test_never_more_than_the_rate_in_any_window(count: int, per: float, times: list[float]) -> None:
    limiter = Limiter(Rate(count, per))
    admitted = [t for t in times if limiter.allow("u", t)]
    for start in admitted:
        in_window = [t for t in admitted if start <= t < start + per]
        # a token bucket admits at most `count` plus what refills within the window
        assert len(in_window) <= 2 * count


def test_a_raid_of_new_users_cannot_grow_the_table_past_its_bound() -> None:
    limiter = Limiter(Rate(1, 60), max_keys=100)
    for user in range(1_000):
        assert limiter.allow(user, 0.0)
        assert len(limiter) <= 100
    assert not limiter.allow(999, 1.0)  # the latest are still remembered and limited
