"""Join requests as tables of cases: approve, ask, or leave for the admins; when to decline."""

from __future__ import annotations

import pytest

from gatekeeper.domain.callbacks import decode_join, encode_join, encode_verify
from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.join_requests import (
    PRIVATE_WINDOW,
    JoinAnswer,
    JoinRequest,
    Outcome,
    Reply,
    decide,
    due_for_decline,
    may_write,
)
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, length
from gatekeeper.domain.model import (
    BotState,
    Channel,
    ChannelLink,
    GroupRules,
    GroupSettings,
    MemberNote,
    Require,
    Verdict,
)
from gatekeeper.domain.setting_commands import apply_setting, settings_lines, status_line
from gatekeeper.telegram.join_texts import join_answer_text

GROUP = -1001000000001
NEWS = Channel(-1001000000002, "News", "news")
TALKS = Channel(-1001000000003, "Talks", "talks")
BOB = 1002
IN, OUT, UNSURE = Verdict.MEMBER, Verdict.NOT_MEMBER, Verdict.UNKNOWN


def rules(
    require: Require = Require.ALL,
    *,
    talks_healthy: bool = True,
    protected: bool = True,
    state: BotState = BotState.OK,
    **settings: object,
) -> GroupRules:
    chosen = GroupSettings(require=require, **settings)  # type: ignore[arg-type]
    links = (ChannelLink(NEWS), ChannelLink(TALKS, healthy=talks_healthy))
    return GroupRules(GROUP, "Coffee", protected, chosen, links, bot_state=state)


@pytest.mark.parametrize(
    ("require", "news", "talks", "reply", "missing"),
    [
        (Require.ALL, IN, IN, Reply.APPROVE, ()),
        (Require.ALL, IN, OUT, Reply.ASK, (TALKS,)),
        (Require.ALL, OUT, OUT, Reply.ASK, (NEWS, TALKS)),
        (Require.ALL, UNSURE, OUT, Reply.ASK, (TALKS,)),
        (Require.ALL, IN, UNSURE, Reply.LEAVE, ()),  # never let in on a channel it cannot check
        (Require.ANY, IN, OUT, Reply.APPROVE, ()),
        (Require.ANY, OUT, IN, Reply.APPROVE, ()),
        (Require.ANY, OUT, OUT, Reply.ASK, (NEWS, TALKS)),
        (Require.ANY, UNSURE, OUT, Reply.ASK, (TALKS,)),  # the one it can check will do
        (Require.ANY, UNSURE, UNSURE, Reply.LEAVE, ()),
    ],
)
def test_subscribers_are_approved_the_others_asked_and_the_unknown_left(
    require: Require, news: Verdict, talks: Verdict, reply: Reply, missing: tuple[Channel, ...]
) -> None:
    decision = decide(rules(require), {NEWS.id: news, TALKS.id: talks})
    assert (decision.reply, decision.missing) == (reply, missing)
    assert decision.any_of == (reply is Reply.ASK and require is Require.ANY)


def test_a_channel_whose_link_is_broken_never_lets_anyone_in_under_all() -> None:
    decision = decide(rules(talks_healthy=False), {NEWS.id: IN, TALKS.id: IN})
    assert decision.reply is Reply.LEAVE and "@talks" in (decision.reason or "")


@pytest.mark.parametrize(
    ("group", "reason"),
    [
        (None, "not protected"),
        (rules(protected=False), "not protected"),
        (rules(state=BotState.DEMOTED), "rights"),
        (rules(state=BotState.REMOVED), "rights"),
    ],
)
def test_a_request_the_bot_may_not_decide_is_left_to_the_admins(
    group: GroupRules | None, reason: str
) -> None:
    decision = decide(group, {NEWS.id: IN, TALKS.id: IN})
    assert decision.reply is Reply.LEAVE and reason in (decision.reason or "")


def test_an_exempted_member_is_approved_without_the_channels() -> None:
    note = MemberNote(GROUP, BOB, exempt=True)
    assert decide(rules(), {NEWS.id: OUT, TALKS.id: OUT}, note).reply is Reply.APPROVE


@pytest.mark.parametrize(
    ("age", "writable"), [(0, True), (PRIVATE_WINDOW - 1, True), (PRIVATE_WINDOW, False)]
)
def test_the_bot_may_write_to_a_requester_for_five_minutes(age: float, writable: bool) -> None:
    assert may_write(JoinRequest(GROUP, BOB, 1000.0), 1000.0 + age) is writable


@pytest.mark.parametrize(
    ("group", "age", "due"),
    [
        (rules(), 10**7, False),  # off by default: the admins decide
        (rules(decline_after=3600), 3599, False),
        (rules(decline_after=3600), 3600, True),
        (rules(protected=False, decline_after=3600), 3600, False),
        (rules(state=BotState.DEMOTED, decline_after=3600), 3600, False),
        (None, 10**7, False),
    ],
)
def test_an_unfinished_request_is_declined_only_when_the_group_says_so(
    group: GroupRules | None, age: float, due: bool
) -> None:
    assert due_for_decline(group, JoinRequest(GROUP, BOB, 0.0), age) is due


@pytest.mark.parametrize("group_id", [GROUP, -1, 1, -(2**62)])
def test_a_join_button_names_its_group(group_id: int) -> None:
    assert decode_join(encode_join(group_id)) == group_id


@pytest.mark.parametrize(
    "data",
    [None, b"", b"gk1:j:", b"gk1:j:-", b"gk1:j:12a", b"gk1:j:--1", b"gk1:j:" + b"9" * 20, b"x"],
)
def test_anything_else_is_no_join_button(data: bytes | None) -> None:
    assert decode_join(data) is None


def test_the_notice_button_is_not_a_join_button() -> None:
    assert decode_join(encode_verify(BOB)) is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("decline", "1h"), GroupSettings(decline_after=3600)),
        (("decline", "off"), GroupSettings()),
        (("pending", "accept"), GroupSettings(pending_accept=True)),
        (("pending", "off"), GroupSettings()),
    ],
)
def test_join_request_settings_change(args: tuple[str, str], expected: GroupSettings) -> None:
    assert apply_setting(GroupSettings(), args) == expected


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("decline", "soon"), "decline takes a duration"),
        (("decline", "30s"), "between 1m and 30d"),
        (("decline", "31d"), "between 1m and 30d"),
        (("pending", "maybe"), "accept"),
    ],
)
def test_bad_join_request_settings_say_how_to_fix_them(args: tuple[str, str], says: str) -> None:
    with pytest.raises(CommandError, match=says):
        apply_setting(GroupSettings(), args)


def test_settings_and_status_show_the_join_request_rules() -> None:
    chosen = GroupSettings(decline_after=7200, pending_accept=True)
    shown = "\n".join(settings_lines(chosen))
    assert "declined after 2h" in shown and "/settings decline" in shown
    assert "counts as joined" in shown and "/settings pending" in shown
    assert "declined: off" in status_line(GroupSettings())
    assert "declined: after 2h" in status_line(chosen)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_press_answer_fits_telegram_s_limit(outcome: Outcome) -> None:
    many = tuple(Channel(-100 - i, "N" * 60, None) for i in range(5))
    for any_of in (False, True):
        text = join_answer_text(JoinAnswer(outcome, many, any_of))
        assert 0 < length(text) <= CALLBACK_ANSWER_MAX


def test_under_any_the_answer_says_one_channel_is_enough() -> None:
    both = (NEWS, TALKS)
    assert "one of" in join_answer_text(JoinAnswer(Outcome.NOT_YET, both, any_of=True))
    assert "one of" not in join_answer_text(JoinAnswer(Outcome.NOT_YET, both))
