"""Which access hashes the bot keeps: a user's while something still names them, then for a
retention; a chat's always."""

from __future__ import annotations

import pytest

from gatekeeper.domain.access_hashes import listing_outlived, needed, sweep, warming_from
from gatekeeper.domain.model import BannedRights, MemberNote, Restriction
from gatekeeper.domain.warmup import Phase, WarmupProgress, WarmupState

GROUP = -1001700000000001
CHANNEL = -1001700000000002
MUTED, ASKING, OWED, WAITING, WARMING, ALLOWED, IN_GRACE, WARNED, GRACE_OVER = range(1, 10)
DAY = 86_400.0
RETENTION = 30 * DAY
NOW = 1_000 * DAY


def _needed(**overrides: object) -> set[int]:
    given: dict[str, object] = {
        "restrictions": [Restriction(GROUP, MUTED, BannedRights(), 0.0)],
        "requesters": [ASKING],
        "notes": [
            MemberNote(GROUP, ALLOWED, exempt=True),
            MemberNote(GROUP, IN_GRACE, grace_until=NOW + 60),
            MemberNote(GROUP, WARNED, strikes=1),
            MemberNote(GROUP, GRACE_OVER, grace_until=NOW - 60),
        ],
        "postponed": [OWED, 0],  # 0: work about nobody (a reply's removal)
        "waiting": [WAITING],
        "warming": [WARMING],
        "now": NOW,
    }
    given.update(overrides)
    return needed(**given)  # type: ignore[arg-type]


def test_whatever_still_names_a_member_needs_their_hash() -> None:
    assert _needed() == {MUTED, ASKING, OWED, WAITING, WARMING, ALLOWED, IN_GRACE}


def test_a_warning_or_a_grace_that_ended_needs_no_hash() -> None:
    notes = [MemberNote(GROUP, WARNED, strikes=2), MemberNote(GROUP, GRACE_OVER, grace_until=1.0)]
    empty: list[int] = []
    assert (
        _needed(
            restrictions=[],
            requesters=empty,
            notes=notes,
            postponed=empty,
            waiting=empty,
            warming=empty,
        )
        == set()
    )


@pytest.mark.parametrize(
    ("idle_for", "retention", "forgotten"),
    [
        (None, RETENTION, False),  # found idle at this pass: the retention starts now
        (RETENTION - 1, RETENTION, False),
        (RETENTION, RETENTION, True),
        (10 * RETENTION, 0.0, False),  # a retention of 0 keeps every hash
    ],
)
def test_a_hash_nothing_needs_is_forgotten_a_retention_after_it_was_first_found_idle(
    idle_for: float | None, retention: float, forgotten: bool
) -> None:
    since = {} if idle_for is None else {MUTED: NOW - idle_for}
    swept = sweep([MUTED], set(), since, NOW, retention)
    assert swept.forget == ((MUTED,) if forgotten else ())
    assert swept.idle_since == ({} if forgotten else {MUTED: since.get(MUTED, NOW)})


def test_a_hash_needed_again_is_kept_and_its_idle_time_starts_afresh() -> None:
    swept = sweep([MUTED, ASKING], {MUTED}, {MUTED: 0.0, ASKING: NOW}, NOW, RETENTION)
    assert swept.forget == ()
    assert swept.idle_since == {ASKING: NOW}, "the muted member is needed: no longer idle"


def test_a_chat_s_hash_is_always_kept() -> None:
    swept = sweep([GROUP, CHANNEL], set(), {GROUP: 0.0, CHANNEL: 0.0}, NOW, RETENTION)
    assert swept.forget == () and swept.idle_since == {}


@pytest.mark.parametrize(
    ("state", "phase", "cursor", "from_"),
    [
        (WarmupState.RUNNING, Phase.LISTING, 0, 0),  # every member listed so far
        (WarmupState.WAITING, Phase.CHECKING, 500, 500),  # those above the last checked
        (WarmupState.REQUESTED, Phase.LISTING, 0, None),  # it lists the group afresh
        (WarmupState.DONE, Phase.FINISHED, 900, None),
        (WarmupState.CANCELLED, Phase.CHECKING, 300, None),
    ],
)
def test_a_warm_up_under_way_needs_the_members_it_has_yet_to_check(
    state: WarmupState, phase: Phase, cursor: int, from_: int | None
) -> None:
    progress = WarmupProgress(GROUP, state=state, phase=phase, cursor=cursor)
    assert warming_from(progress) == from_


@pytest.mark.parametrize(
    ("progress", "outlived"),
    [
        (WarmupProgress(GROUP, state=WarmupState.RUNNING, started_at=0.0), False),
        (WarmupProgress(GROUP, state=WarmupState.DONE, finished_at=NOW - RETENTION), True),
        (WarmupProgress(GROUP, state=WarmupState.DONE, finished_at=NOW - DAY), False),
        (WarmupProgress(GROUP, state=WarmupState.CANCELLED, started_at=NOW - RETENTION), True),
    ],
)
def test_a_finished_warm_up_s_listing_is_let_go_a_retention_after_it_ended(
    progress: WarmupProgress, outlived: bool
) -> None:
    assert listing_outlived(progress, NOW, RETENTION) is outlived
    assert not listing_outlived(progress, NOW, 0.0), "a retention of 0: until the next warm-up"
