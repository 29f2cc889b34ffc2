"""Member notes do not pile up: old warnings and spent graces are forgotten, exceptions never."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from gatekeeper.clock import FrozenClock
from gatekeeper.domain.model import MemberNote
from gatekeeper.services.housekeeping import Housekeeping
from gatekeeper.services.registry import Registry
from gatekeeper.storage import Storage

GROUP = -1001700000000001
BOT = 6_100_000_001
WARNED, ALLOWED, NEWCOMER = 5_000_000_001, 5_000_000_002, 5_000_000_003
DAY = 86_400.0
RETENTION = 30 * DAY


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    async with await Storage.open(database_url) as opened:
        await opened.bind(BOT)
        await opened.groups.ensure_group(GROUP, "Readers' chat", None)
        yield opened


async def test_a_warning_left_untouched_for_the_retention_is_forgotten_an_exception_never(
    storage: Storage,
) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    await registry.set_strikes(GROUP, WARNED, 1)
    await registry.save_note(MemberNote(GROUP, ALLOWED, exempt=True, label="@allowed"))
    await registry.save_note(MemberNote(GROUP, NEWCOMER, grace_until=clock.now() + 40 * DAY))
    housekeeping = Housekeeping(registry, clock, retention=RETENTION, interval=DAY)

    clock.advance(RETENTION - 1)
    assert await housekeeping.run_due() == 0  # a day short of the retention: all kept
    clock.advance(DAY)
    assert await housekeeping.run_due() == 1  # the warning only
    assert registry.strikes(GROUP, WARNED) == 0
    assert registry.note(GROUP, ALLOWED).exempt
    assert registry.note(GROUP, NEWCOMER).grace_until is not None  # grace ends later

    restarted = Registry(storage, clock=clock)
    await restarted.load()
    assert sorted(restarted.notes) == [(GROUP, ALLOWED), (GROUP, NEWCOMER)]


async def test_a_warning_renewed_lately_is_kept(storage: Storage) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    await registry.set_strikes(GROUP, WARNED, 1)
    clock.advance(RETENTION - DAY)
    await registry.set_strikes(GROUP, WARNED, 2)  # warned again
    clock.advance(2 * DAY)
    assert await registry.prune(RETENTION) == 0
    assert registry.strikes(GROUP, WARNED) == 2


async def test_a_spent_grace_is_forgotten_a_retention_after_it_ended(storage: Storage) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    ends = clock.now() + DAY
    await registry.save_note(MemberNote(GROUP, NEWCOMER, grace_until=ends))
    clock.advance(RETENTION)
    assert await registry.prune(RETENTION) == 0
    clock.advance(2 * DAY)
    assert await registry.prune(RETENTION) == 1
    assert (GROUP, NEWCOMER) not in registry.notes


async def test_a_retention_of_zero_keeps_every_note(storage: Storage) -> None:
    clock = FrozenClock()
    registry = Registry(storage, clock=clock)
    await registry.set_strikes(GROUP, WARNED, 1)
    clock.advance(1_000 * DAY)
    assert await registry.prune(0) == 0
    assert registry.strikes(GROUP, WARNED) == 1


def test_a_note_is_stale_only_when_both_its_change_and_its_grace_are_old() -> None:
    note = MemberNote(GROUP, WARNED, strikes=1, noted_at=0.0)
    assert note.stale(RETENTION + 1, RETENTION)
    assert not note.stale(RETENTION - 1, RETENTION)
    assert not replace(note, grace_until=RETENTION).stale(RETENTION + 1, RETENTION)
    assert not replace(note, exempt=True).stale(10 * RETENTION, RETENTION)
    assert not replace(note, noted_at=None).stale(10 * RETENTION, RETENTION)
