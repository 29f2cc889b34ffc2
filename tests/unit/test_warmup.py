"""The warm-up's pure decisions: what to list next, when one is due, what it counts and says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gatekeeper.domain.actions import Mute
from gatekeeper.domain.model import (
    Channel,
    ChannelLink,
    GroupRules,
    GroupSettings,
    MemberNote,
    OnViolation,
    Sweep,
    Verdict,
)
from gatekeeper.domain.warmup import (
    ALPHABET,
    LIST_CAP,
    PAGE,
    Phase,
    Reason,
    WarmupProgress,
    WarmupState,
    after_page,
    as_record,
    counted,
    due,
    from_record,
    requested,
    split,
    status_line,
    subscribed,
    sweep_mute,
)

GROUP = -1001
NEWS = -1002
NOW = 1_000_000.0


def rules(sweep: Sweep = Sweep.OFF, **settings: object) -> GroupRules:
    link = ChannelLink(Channel(NEWS, "News", "news"))
    chosen = replace(GroupSettings(sweep=sweep), **settings)  # type: ignore[arg-type]
    return GroupRules(GROUP, "Coffee", True, chosen, (link,))


def test_a_full_page_goes_on_at_the_next_offset() -> None:
    start = WarmupProgress(GROUP)
    assert after_page(start, PAGE, 5_000).offset == PAGE


def test_a_group_within_the_cap_is_listed_by_recent_alone() -> None:
    start = WarmupProgress(GROUP, offset=4_800)
    done = after_page(start, 150, 4_950)
    assert done.phase is Phase.CHANNELS and done.queries == () and done.queries_done == 1


def test_past_the_cap_recent_gives_way_to_a_search_per_letter_and_capped_searches_split() -> None:
    at_cap = WarmupProgress(GROUP, offset=LIST_CAP - PAGE)
    swept = after_page(at_cap, PAGE, 200_000)
    assert swept.queries == tuple(ALPHABET) and swept.offset == 0
    capped = replace(swept, queries=("b", "c"), offset=LIST_CAP - PAGE)
    assert after_page(capped, PAGE, 14_000).queries == ("c", *(f"b{x}" for x in ALPHABET))


@pytest.mark.parametrize(
    ("query", "count", "more"),
    [("", 9_999, False), ("", 10_001, True), ("ab", 20_000, True), ("abc", 20_000, False)],
)
def test_split_only_what_telegram_capped_and_not_forever(
    query: str, count: int, more: bool
) -> None:
    assert bool(split(query, count)) is more


@pytest.mark.parametrize(
    ("progress", "now", "interval", "expected"),
    [
        (None, NOW, 86_400.0, True),  # never warmed: at start
        (None, NOW, 0.0, False),  # only on demand
        (WarmupProgress(GROUP, state=WarmupState.WAITING, resume_at=NOW + 1), NOW, 0.0, False),
        (WarmupProgress(GROUP, state=WarmupState.WAITING, resume_at=NOW), NOW, 0.0, True),
        (WarmupProgress(GROUP, state=WarmupState.RUNNING), NOW, 0.0, True),  # cut short
        (WarmupProgress(GROUP, state=WarmupState.DONE, finished_at=NOW - 10), NOW, 60.0, False),
        (WarmupProgress(GROUP, state=WarmupState.DONE, finished_at=NOW - 60), NOW, 60.0, True),
        (WarmupProgress(GROUP, state=WarmupState.CANCELLED, finished_at=NOW), NOW, 60.0, False),
    ],
)
def test_when_a_warm_up_is_due(
    progress: WarmupProgress | None, now: float, interval: float, expected: bool
) -> None:
    assert due(progress, now, interval, enforced=True) is expected
    assert not due(progress, now, interval, enforced=False)


def test_status_says_how_far_it_got() -> None:
    progress = WarmupProgress(
        GROUP, state=WarmupState.RUNNING, phase=Phase.CHECKING, total=10_000, verified=3_200
    )
    progress = replace(progress, not_subscribed=41)
    assert "verified 3,200 of 10,000, 41 not subscribed" in status_line(progress)
    assert "/verify cancel" in status_line(progress)
    assert "not yet" in status_line(None)
    assert status_line(replace(progress, state=WarmupState.DONE)).startswith("🔎 Warm-up done")


def test_counting_leaves_out_members_a_channel_could_not_say_about() -> None:
    start = WarmupProgress(GROUP)
    assert counted(start, subscribed=None, muted=False) == start
    one = counted(start, subscribed=False, muted=True)
    assert (one.verified, one.not_subscribed, one.muted) == (1, 1, 1)


def test_subscribed_is_unknown_when_a_channel_is_unknown() -> None:
    assert subscribed(rules(), {NEWS: Verdict.MEMBER}) is True
    assert subscribed(rules(), {NEWS: Verdict.NOT_MEMBER}) is False
    assert subscribed(rules(), {NEWS: Verdict.UNKNOWN}) is None


def test_the_sweep_mutes_only_when_asked_and_never_an_exception_or_under_delete_only() -> None:
    missing = {NEWS: Verdict.NOT_MEMBER}
    assert sweep_mute(rules(), 7, missing, None, NOW) is None, "the default mutes nobody"
    assert sweep_mute(rules(Sweep.MUTE), 7, missing, None, NOW) == Mute(GROUP, 7, (NEWS,))
    exempt = MemberNote(GROUP, 7, exempt=True)
    assert sweep_mute(rules(Sweep.MUTE), 7, missing, exempt, NOW) is None
    graced = MemberNote(GROUP, 7, grace_until=NOW + 60)
    assert sweep_mute(rules(Sweep.MUTE), 7, missing, graced, NOW) is None
    delete_only = rules(Sweep.MUTE, on_violation=OnViolation.DELETE)
    assert sweep_mute(delete_only, 7, missing, None, NOW) is None
    assert sweep_mute(rules(Sweep.MUTE), 7, {NEWS: Verdict.MEMBER}, None, NOW) is None


def test_progress_survives_a_record_round_trip() -> None:
    progress = replace(requested(GROUP, Reason.CLI, NOW, 20.0), queries=("a", "b"), total=5)
    assert from_record(as_record(progress)) == progress
