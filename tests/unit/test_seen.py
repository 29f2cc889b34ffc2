"""Counting the members seen subscribed: exact while few, a bounded sketch beyond."""

from __future__ import annotations

import sys

from gatekeeper.domain.seen import EXACT_LIMIT, SeenCount


def test_a_few_members_are_counted_exactly_however_often_they_are_seen() -> None:
    seen = SeenCount()
    for _ in range(3):
        for member in (5, 7, 11):
            seen.add(member)
    assert len(seen) == 3 and seen.exact


def test_past_the_exact_limit_the_count_stays_close_and_the_memory_small() -> None:
    seen = SeenCount()
    members = [6_000_000_000 + 37 * i for i in range(200_000)]
    for member in members:
        seen.add(member)
    for member in members[:50_000]:  # seen again: not counted again
        seen.add(member)
    assert not seen.exact
    assert abs(len(seen) - 200_000) / 200_000 < 0.05
    assert seen._ids is None and seen._registers is not None
    assert sys.getsizeof(seen._registers) < 5_000


def test_just_past_the_limit_the_estimate_is_still_about_right() -> None:
    seen = SeenCount()
    for member in range(EXACT_LIMIT + 1):
        seen.add(member)
    assert not seen.exact
    assert abs(len(seen) - (EXACT_LIMIT + 1)) < 0.05 * EXACT_LIMIT
