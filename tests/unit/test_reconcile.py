"""Reconciliation's decisions, as tables."""

from __future__ import annotations

import pytest

from gatekeeper.domain.model import BannedRights
from gatekeeper.domain.reconcile import LinkCall, MutedCall, due, link_call, muted_call
from gatekeeper.domain.standing import NOT_MEMBER, Standing

BOT = 42
MUTED = BannedRights(frozenset({"send_messages"}))
BANNED = BannedRights(frozenset({"view_messages"}))


@pytest.mark.parametrize(
    ("standing", "call"),
    [
        (Standing(True, rights=MUTED, restricted_by=BOT), MutedCall.RECHECK),
        (None, MutedCall.FORGET),  # Telegram knows nothing of them
        (NOT_MEMBER, MutedCall.FORGET),  # left the group while muted
        (Standing(False, rights=MUTED, restricted_by=BOT), MutedCall.FORGET),  # left, kept
        (Standing(True, True), MutedCall.FORGET),  # promoted meanwhile
        (Standing(True, rights=MUTED, restricted_by=7), MutedCall.FORGET),  # an admin's now
        (Standing(True), MutedCall.FORGET),  # someone lifted it by hand
        (Standing(False, rights=BANNED, restricted_by=BOT), MutedCall.FORGET),  # banned
    ],
)
def test_what_happens_to_a_member_on_record_as_muted(
    standing: Standing | None, call: MutedCall
) -> None:
    assert muted_call(standing, BOT) is call


@pytest.mark.parametrize(
    ("standing", "call"),
    [
        (Standing(False, rights=MUTED, restricted_by=BOT), MutedCall.RECHECK),  # a commenter
        (Standing(True, rights=MUTED, restricted_by=BOT), MutedCall.RECHECK),
        (NOT_MEMBER, MutedCall.FORGET),  # someone lifted it by hand
        (Standing(False, rights=MUTED, restricted_by=7), MutedCall.FORGET),  # an admin's now
        (Standing(False, rights=BANNED, restricted_by=BOT), MutedCall.FORGET),  # banned
        (None, MutedCall.FORGET),
    ],
)
def test_in_a_discussion_group_a_mute_binds_those_who_are_no_members(
    standing: Standing | None, call: MutedCall
) -> None:
    assert muted_call(standing, BOT, discussion_group=True) is call


@pytest.mark.parametrize(
    ("standing", "healthy", "call"),
    [
        (Standing(True, True), True, LinkCall.KEEP),
        (Standing(True, True), False, LinkCall.HEAL),
        (Standing(True), True, LinkCall.BREAK),  # demoted in the channel
        (None, True, LinkCall.BREAK),  # removed from it, or it is gone
        (None, False, LinkCall.KEEP),
        (Standing(True), False, LinkCall.KEEP),
    ],
)
def test_what_happens_to_a_link(standing: Standing | None, healthy: bool, call: LinkCall) -> None:
    assert link_call(standing, healthy) is call


@pytest.mark.parametrize(
    ("last", "now", "interval", "expected"),
    [
        (None, 0.0, 3600.0, True),
        (0.0, 3599.0, 3600.0, False),
        (0.0, 3600.0, 3600.0, True),
        (0.0, 99_999.0, 0.0, False),  # 0: only at start
    ],
)
def test_when_a_pass_is_due(
    last: float | None, now: float, interval: float, expected: bool
) -> None:
    assert due(last, now, interval) is expected
