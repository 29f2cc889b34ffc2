"""Messages the bot owes after they waited for Telegram's budget: which notices are still worth
sending, and how log lines are split into messages. Tables, no event loop."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gatekeeper.domain.journal import pack, split
from gatekeeper.domain.limits import MESSAGE_MAX
from gatekeeper.domain.model import BannedRights, Channel, Restriction
from gatekeeper.domain.owed import OwedNotice, owed_after_restart, still_owed
from gatekeeper.domain.standing import NOT_MEMBER, Standing

BOT = 42
GROUP = -1001
ALICE = 7
MUTED = BannedRights(frozenset({"send_messages"}))
NEWS = Channel(-1002, "News", "news")
MUTE_NOTICE = OwedNotice(GROUP, ALICE, "Alice", (NEWS,), 120.0)
WARNING = replace(MUTE_NOTICE, muted=False)
MUTE = Restriction(GROUP, ALICE, BannedRights(), 0.0, (NEWS.id,))
TOLD = replace(MUTE, notice_message_id=99)


@pytest.mark.parametrize(
    ("notice", "restriction", "owed"),
    [
        (MUTE_NOTICE, MUTE, True),  # still muted, not told yet
        (MUTE_NOTICE, None, False),  # released before their turn came
        (MUTE_NOTICE, TOLD, False),  # a notice told of the mute since
        (WARNING, None, True),  # a warning mutes nobody: it goes regardless
    ],
)
def test_a_notice_that_waited_goes_only_while_what_it_tells_of_stands(
    notice: OwedNotice, restriction: Restriction | None, owed: bool
) -> None:
    assert still_owed(notice, restriction) is owed


STILL_MUTED = Standing(True, rights=MUTED, restricted_by=BOT)


@pytest.mark.parametrize(
    ("notice", "restriction", "member", "owed"),
    [
        (MUTE_NOTICE, MUTE, STILL_MUTED, True),
        (MUTE_NOTICE, MUTE, None, False),  # Telegram knows them no more
        (MUTE_NOTICE, MUTE, NOT_MEMBER, False),  # left the group while the bot was away
        (MUTE_NOTICE, MUTE, Standing(False, rights=MUTED, restricted_by=BOT), False),  # left
        (MUTE_NOTICE, MUTE, Standing(True, True), False),  # promoted meanwhile
        (MUTE_NOTICE, MUTE, Standing(True, rights=MUTED, restricted_by=5), False),  # an admin's
        (MUTE_NOTICE, MUTE, Standing(True), False),  # someone lifted the mute by hand
        (MUTE_NOTICE, None, STILL_MUTED, False),  # released (the record is gone)
        (MUTE_NOTICE, TOLD, STILL_MUTED, False),  # told already
        (WARNING, None, Standing(True), True),  # warned, still in the group
        (WARNING, None, NOT_MEMBER, False),  # warned, and gone
        (WARNING, None, Standing(True, True), False),  # warned, and an admin now
    ],
)
def test_a_notice_a_previous_run_left_goes_only_if_its_member_still_stands_there(
    notice: OwedNotice, restriction: Restriction | None, member: Standing | None, owed: bool
) -> None:
    assert owed_after_restart(notice, restriction, member, BOT) is owed


@pytest.mark.parametrize(
    ("lengths", "counts"),
    [
        ([], []),
        ([10], [1]),
        ([10, 10, 10], [3]),
        ([MESSAGE_MAX], [1]),
        ([MESSAGE_MAX - 5, 4], [2]),  # the newline counts: 4096 characters exactly
        ([MESSAGE_MAX - 5, 5], [1, 1]),
        ([3000, 3000, 3000], [1, 1, 1]),
        ([2000, 2000, 100], [2, 1]),
    ],
)
def test_lines_split_into_messages_as_pack_joins_them(
    lengths: list[int], counts: list[int]
) -> None:
    lines = ["x" * n for n in lengths]
    assert split(lines) == counts
    assert [m.count("\n") + 1 for m in pack(lines)] == counts
