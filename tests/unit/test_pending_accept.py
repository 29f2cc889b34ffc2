"""`/settings pending accept` as a table: a pending request to a private channel that approves
members counts as joined, in the groups that say so, and nowhere else."""

from __future__ import annotations

import pytest

from gatekeeper.domain import policy
from gatekeeper.domain.join_requests import (
    PENDING_TRUST,
    JoinRequest,
    Reply,
    decide,
    still_pending,
)
from gatekeeper.domain.model import (
    Channel,
    ChannelLink,
    GroupRules,
    GroupSettings,
    Require,
    Verdict,
)

GROUP = -1001000000001
CLUB = Channel(-1001000000004, "Club", None, "https://t.me/+club")  # private
NEWS = Channel(-1001000000002, "News", "news")  # public
ALICE = 1001
IN, OUT, ASKED = Verdict.MEMBER, Verdict.NOT_MEMBER, Verdict.PENDING


def rules(accept: bool, require: Require = Require.ALL) -> GroupRules:
    settings = GroupSettings(require=require, pending_accept=accept)
    return GroupRules(GROUP, "Coffee", True, settings, (ChannelLink(CLUB), ChannelLink(NEWS)))


@pytest.mark.parametrize(
    ("accept", "club", "news", "missing"),
    [
        (False, ASKED, IN, (CLUB,)),  # off by default: asking is not joining
        (True, ASKED, IN, ()),
        (True, ASKED, ASKED, (NEWS,)),  # a public channel: anyone can join it outright
        (True, OUT, IN, (CLUB,)),
        (True, IN, ASKED, (NEWS,)),
    ],
)
def test_a_pending_request_counts_only_for_a_private_channel_and_only_when_accepted(
    accept: bool, club: Verdict, news: Verdict, missing: tuple[Channel, ...]
) -> None:
    verdicts = {CLUB.id: club, NEWS.id: news}
    found = policy.missing_links(rules(accept), verdicts)
    assert tuple(link.channel for link in found) == missing


@pytest.mark.parametrize(("accept", "released"), [(True, True), (False, False)])
def test_a_muted_member_who_asks_to_join_the_private_channel_is_released_if_accepted(
    accept: bool, released: bool
) -> None:
    actions = policy.on_recheck(
        rules(accept), ALICE, {CLUB.id: ASKED, NEWS.id: IN}, muted_by_bot=True
    )
    assert bool(actions) is released
    assert policy.joined_meanwhile(rules(accept), (CLUB.id,), {CLUB.id: ASKED}) is released


@pytest.mark.parametrize(("accept", "reply"), [(True, Reply.APPROVE), (False, Reply.ASK)])
def test_a_group_s_requester_who_asked_to_join_the_private_channel(
    accept: bool, reply: Reply
) -> None:
    decision = decide(rules(accept), {CLUB.id: ASKED, NEWS.id: IN})
    assert decision.reply is reply


def test_under_any_one_accepted_pending_request_is_enough() -> None:
    verdicts = {CLUB.id: ASKED, NEWS.id: OUT}
    assert policy.missing_links(rules(True, Require.ANY), verdicts) == ()
    assert len(policy.missing_links(rules(False, Require.ANY), verdicts)) == 2


@pytest.mark.parametrize(
    ("age", "believed"), [(0, True), (PENDING_TRUST - 1, True), (PENDING_TRUST, False)]
)
def test_a_request_the_bot_saw_is_believed_pending_for_a_week(age: float, believed: bool) -> None:
    assert still_pending(JoinRequest(CLUB.id, ALICE, 100.0), 100.0 + age) is believed
