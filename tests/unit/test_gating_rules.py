"""The richer gating rules as tables of cases: any-of or all-of, delete-only, removal."""

from __future__ import annotations

import pytest

from gatekeeper.domain import policy
from gatekeeper.domain.actions import DeleteMessage, Mute, Release, SendNotice, StartGrace, Warn
from gatekeeper.domain.events import MemberJoined, MessagePosted, Sender, SenderKind
from gatekeeper.domain.model import (
    BannedRights,
    Channel,
    ChannelLink,
    GraceMode,
    GroupRules,
    GroupSettings,
    MemberNote,
    OnLeave,
    OnViolation,
    Require,
    Restriction,
    Verdict,
)

GROUP = -1001000000001
NEWS = Channel(-1001000000002, "News", "news")
TALKS = Channel(-1001000000003, "Talks", "talks")
ALICE = 1001
IN, OUT, UNSURE = Verdict.MEMBER, Verdict.NOT_MEMBER, Verdict.UNKNOWN
BOTH = (NEWS.id, TALKS.id)


def rules(*links: ChannelLink, protected: bool = True, **settings: object) -> GroupRules:
    chosen = GroupSettings(**settings)  # type: ignore[arg-type]
    return GroupRules(
        GROUP, "Coffee", protected, chosen, links or (ChannelLink(NEWS), ChannelLink(TALKS))
    )


def post() -> MessagePosted:
    return MessagePosted(GROUP, 42, Sender(SenderKind.USER, ALICE))


@pytest.mark.parametrize(
    ("require", "news", "talks", "muted_for"),
    [
        (Require.ALL, IN, IN, None),
        (Require.ALL, IN, OUT, (TALKS.id,)),
        (Require.ALL, OUT, OUT, BOTH),
        (Require.ALL, UNSURE, OUT, (TALKS.id,)),
        (Require.ANY, IN, IN, None),
        (Require.ANY, IN, OUT, None),
        (Require.ANY, OUT, IN, None),
        (Require.ANY, OUT, OUT, BOTH),
        (Require.ANY, UNSURE, OUT, None),  # the one it cannot check may be the one they joined
    ],
)
def test_all_of_needs_every_channel_any_of_needs_one(
    require: Require, news: Verdict, talks: Verdict, muted_for: tuple[int, ...] | None
) -> None:
    actions = policy.on_message(post(), rules(require=require), {NEWS.id: news, TALKS.id: talks})
    mutes = [a for a in actions if isinstance(a, Mute)]
    assert mutes == ([] if muted_for is None else [Mute(GROUP, ALICE, muted_for)])


def test_under_any_a_broken_link_shields_everyone_it_may_have_been_joined() -> None:
    broken = rules(ChannelLink(NEWS, healthy=False), ChannelLink(TALKS), require=Require.ANY)
    assert policy.on_message(post(), broken, {TALKS.id: OUT}) == []


@pytest.mark.parametrize(("require", "any_of"), [(Require.ALL, False), (Require.ANY, True)])
def test_the_notice_says_which_rule_applies(require: Require, any_of: bool) -> None:
    actions = policy.on_message(post(), rules(require=require), {NEWS.id: OUT, TALKS.id: OUT})
    assert SendNotice(GROUP, ALICE, (NEWS, TALKS), any_of) in actions


@pytest.mark.parametrize(
    ("require", "news", "talks", "expected"),
    [
        (Require.ANY, IN, OUT, []),  # left one channel, still in the other
        (
            Require.ANY,
            OUT,
            OUT,
            [Mute(GROUP, ALICE, BOTH), SendNotice(GROUP, ALICE, (NEWS, TALKS), True)],
        ),
        (
            Require.ALL,
            IN,
            OUT,
            [Mute(GROUP, ALICE, (TALKS.id,)), SendNotice(GROUP, ALICE, (TALKS,))],
        ),
    ],
)
def test_leaving_one_channel_under_any_mutes_only_when_none_is_left(
    require: Require, news: Verdict, talks: Verdict, expected: list[object]
) -> None:
    verdicts = {NEWS.id: news, TALKS.id: talks}
    actions = policy.on_recheck(rules(require=require), ALICE, verdicts, muted_by_bot=False)
    assert actions == expected


def test_a_member_muted_under_any_is_released_by_joining_one_channel() -> None:
    verdicts = {NEWS.id: OUT, TALKS.id: IN}
    actions = policy.on_recheck(rules(require=Require.ANY), ALICE, verdicts, muted_by_bot=True)
    assert actions == [Release(GROUP, ALICE)]


@pytest.mark.parametrize(
    ("require", "now_in", "joined"),
    [
        (Require.ALL, {NEWS.id}, False),
        (Require.ALL, {NEWS.id, TALKS.id}, True),
        (Require.ANY, {TALKS.id}, True),
        (Require.ANY, set(), False),
    ],
)
def test_a_mute_under_way_is_spared_once_the_rule_is_met(
    require: Require, now_in: set[int], joined: bool
) -> None:
    verdicts = {c: IN for c in now_in}
    assert policy.joined_meanwhile(rules(require=require), BOTH, verdicts) is joined


def test_delete_only_takes_the_message_and_tells_but_mutes_nobody() -> None:
    actions = policy.on_message(
        post(), rules(on_violation=OnViolation.DELETE), {NEWS.id: OUT, TALKS.id: IN}
    )
    assert actions == [
        Warn(GROUP, ALICE, (NEWS.id,)),
        DeleteMessage(GROUP, 42, ALICE),
        SendNotice(GROUP, ALICE, (NEWS,)),
    ]


def test_delete_only_tells_a_newcomer_without_muting_them() -> None:
    actions = policy.on_join(
        MemberJoined(GROUP, ALICE),
        rules(on_violation=OnViolation.DELETE),
        {NEWS.id: OUT, TALKS.id: IN},
    )
    assert actions == [Warn(GROUP, ALICE, (NEWS.id,)), SendNotice(GROUP, ALICE, (NEWS,))]


DAY = 86400.0
MUTED = Restriction(GROUP, ALICE, BannedRights(), imposed_at=1000.0, missing=(NEWS.id,))


@pytest.mark.parametrize(
    ("kick_after", "protected", "muted_for", "due"),
    [
        (None, True, 10 * DAY, False),  # off by default
        (86400, True, DAY - 1, False),
        (86400, True, DAY, True),
        (3600, True, DAY, True),
        (86400, False, 10 * DAY, False),  # an unprotected group releases, never removes
    ],
)
def test_removal_comes_only_after_the_chosen_time_muted(
    kick_after: int | None, protected: bool, muted_for: float, due: bool
) -> None:
    group = rules(protected=protected, kick_after=kick_after)
    assert policy.due_for_removal(group, MUTED, MUTED.imposed_at + muted_for) is due


def test_removal_never_concerns_a_group_the_bot_does_not_know() -> None:
    assert not policy.due_for_removal(None, MUTED, MUTED.imposed_at + 10 * DAY)


@pytest.mark.parametrize(
    ("warn_first", "strikes", "muted"),
    [(0, 0, True), (2, 0, False), (2, 1, False), (2, 2, True), (2, 5, True)],
)
def test_warnings_first_delete_and_tell_then_the_next_message_mutes(
    warn_first: int, strikes: int, muted: bool
) -> None:
    group = rules(ChannelLink(NEWS), warn_first=warn_first, on_violation=OnViolation.MUTE)
    actions = policy.on_message(post(), group, {NEWS.id: OUT}, MemberNote(GROUP, ALICE, strikes))
    if muted:
        assert actions == [Mute(GROUP, ALICE, (NEWS.id,)), SendNotice(GROUP, ALICE, (NEWS,))]
    else:  # deleted even where the action is mute only: a warning takes the message
        assert actions == [
            Warn(GROUP, ALICE, (NEWS.id,), strike=True, message_id=42),
            DeleteMessage(GROUP, 42, ALICE),
            SendNotice(GROUP, ALICE, (NEWS,)),
        ]


@pytest.mark.parametrize(
    ("action", "strike"), [(OnViolation.DELETE_AND_MUTE, True), (OnViolation.DELETE, False)]
)
def test_only_warnings_before_a_mute_are_counted(action: OnViolation, strike: bool) -> None:
    group = rules(ChannelLink(NEWS), warn_first=1, on_violation=action)
    (warn, *_) = policy.on_message(post(), group, {NEWS.id: OUT})
    assert warn == Warn(GROUP, ALICE, (NEWS.id,), strike=strike, message_id=42 if strike else 0)


def test_with_warnings_first_a_newcomer_or_a_leaver_is_told_not_muted_nor_counted() -> None:
    group = rules(ChannelLink(NEWS), warn_first=2)
    told = [Warn(GROUP, ALICE, (NEWS.id,)), SendNotice(GROUP, ALICE, (NEWS,))]
    assert policy.on_join(MemberJoined(GROUP, ALICE), group, {NEWS.id: OUT}) == told
    assert policy.on_recheck(group, ALICE, {NEWS.id: OUT}, muted_by_bot=False) == told
    spent = policy.on_recheck(
        group, ALICE, {NEWS.id: OUT}, muted_by_bot=False, note=MemberNote(GROUP, ALICE, 2)
    )
    assert isinstance(spent[0], Mute)


@pytest.mark.parametrize(("on_leave", "acts"), [(OnLeave.NOW, True), (OnLeave.NEXT_MESSAGE, False)])
def test_on_leave_now_acts_at_once_next_message_waits(on_leave: OnLeave, acts: bool) -> None:
    assert policy.acts_on_leave(rules(on_leave=on_leave)) is acts


ALLOWED = MemberNote(GROUP, ALICE, exempt=True)


def test_an_allowed_member_is_never_gated_and_released_if_the_bot_muted_them() -> None:
    group = rules(ChannelLink(NEWS))
    verdicts = {NEWS.id: OUT}
    assert policy.on_message(post(), group, verdicts, ALLOWED) == []
    assert policy.on_join(MemberJoined(GROUP, ALICE), group, verdicts, ALLOWED) == []
    assert policy.on_recheck(group, ALICE, verdicts, muted_by_bot=False, note=ALLOWED) == []
    released = policy.on_recheck(group, ALICE, verdicts, muted_by_bot=True, note=ALLOWED)
    assert released == [Release(GROUP, ALICE)]


NOW = 10_000.0
NEWCOMER = MemberJoined(GROUP, ALICE)


def test_a_newcomer_in_a_grace_period_is_told_at_once_and_not_muted() -> None:
    group = rules(ChannelLink(NEWS), grace=600)
    actions = policy.on_join(NEWCOMER, group, {NEWS.id: OUT}, None, NOW)
    assert actions == [
        StartGrace(GROUP, ALICE, NOW + 600),
        Warn(GROUP, ALICE, (NEWS.id,)),
        SendNotice(GROUP, ALICE, (NEWS,)),
    ]


@pytest.mark.parametrize(
    ("now", "kept"), [(NOW, True), (NOW + 599, True), (NOW + 600, False), (NOW + 9999, False)]
)
def test_within_the_grace_the_newcomer_writes_after_it_the_gate_applies(
    now: float, kept: bool
) -> None:
    group = rules(ChannelLink(NEWS), grace=600)
    note = MemberNote(GROUP, ALICE, grace_until=NOW + 600)
    actions = policy.on_message(post(), group, {NEWS.id: OUT}, note, now)
    assert (actions == []) is kept
    recheck = policy.on_recheck(
        group, ALICE, {NEWS.id: OUT}, muted_by_bot=False, note=note, now=now
    )
    assert (recheck == []) is kept


def test_grace_is_granted_once_a_member_who_comes_back_is_muted() -> None:
    group = rules(ChannelLink(NEWS), grace=600)
    spent = MemberNote(GROUP, ALICE, grace_until=NOW - 1)
    actions = policy.on_join(NEWCOMER, group, {NEWS.id: OUT}, spent, NOW)
    assert isinstance(actions[0], Mute)
    within = MemberNote(GROUP, ALICE, grace_until=NOW + 1)
    assert policy.on_join(NEWCOMER, group, {NEWS.id: OUT}, within, NOW) == []


@pytest.mark.parametrize(
    ("mode", "since", "now", "look"),
    [
        (GraceMode.STRICT, NOW, NOW + 599, False),
        (GraceMode.STRICT, NOW, NOW + 600, True),
        (GraceMode.STRICT, NOW + 600, NOW + 605, False),  # looked at already
        (GraceMode.STRICT, float("-inf"), NOW + 9999, True),  # ended while the bot was away
        (GraceMode.LENIENT, NOW, NOW + 600, False),  # the next message decides
    ],
)
def test_a_strict_grace_that_ends_means_a_look_at_the_member(
    mode: GraceMode, since: float, now: float, look: bool
) -> None:
    group = rules(ChannelLink(NEWS), grace=600, grace_mode=mode)
    note = MemberNote(GROUP, ALICE, grace_until=NOW + 600)
    assert policy.grace_ended(group, note, since, now) is look


def test_a_warning_counts_its_message_once_however_often_it_is_done() -> None:
    warned = MemberNote(GROUP, ALICE).with_strike(42)
    assert (warned.strikes, warned.struck) == (1, 42)
    assert warned.with_strike(42) == warned, "done again after a crash"
    assert warned.with_strike(40) == warned, "an older message: counted before it"
    assert warned.with_strike(43).strikes == 2
    assert MemberNote(GROUP, ALICE).with_strike(0).with_strike(0).strikes == 2, "unnamed"
