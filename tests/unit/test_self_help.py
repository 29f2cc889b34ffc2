"""A member's own view and the one answer to their press, as tables."""

from __future__ import annotations

from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, length
from gatekeeper.domain.model import BannedRights, Channel, ChannelLink, GroupRules, Restriction
from gatekeeper.domain.self_help import CHECK_ALL, MutedIn, muted_in, summary, view

NEWS = Channel(-1003, "News", "news")
TALKS = Channel(-1004, "Talks", None, "https://t.me/+abc")
COFFEE = GroupRules(-1001, "Coffee chat", True, links=(ChannelLink(NEWS), ChannelLink(TALKS)))
CLUB = GroupRules(-1002, "Book club", True, links=(ChannelLink(TALKS),))


def _muted(group: GroupRules, user: int, missing: tuple[int, ...]) -> Restriction:
    return Restriction(group.group_id, user, BannedRights(), 0.0, missing)


def test_only_the_member_s_own_mutes_are_listed_with_the_channels_still_linked() -> None:
    rules = {COFFEE.group_id: COFFEE, CLUB.group_id: CLUB}
    mutes = [_muted(COFFEE, 7, (NEWS.id,)), _muted(CLUB, 7, (-9999,)), _muted(COFFEE, 8, ())]
    found = muted_in(7, mutes, rules)
    assert found == [
        MutedIn(CLUB.group_id, "Book club", (TALKS,)),
        MutedIn(-1001, "Coffee chat", (NEWS,)),
    ]
    assert muted_in(9, mutes, rules) == []


def test_the_view_has_a_join_button_per_channel_once_and_one_check_button() -> None:
    text, keyboard = view(
        [MutedIn(-1001, "Coffee chat", (NEWS, TALKS)), MutedIn(-1002, "Book club", (TALKS,))]
    )
    assert "Coffee chat" in text and "Book club" in text
    urls = [b.url for row in keyboard for b in row if b.url]
    assert urls == ["https://t.me/news", "https://t.me/+abc"]
    assert [b.data for row in keyboard for b in row if b.data] == [CHECK_ALL]
    assert view([]) == ("You are not muted in any group I guard: you can write everywhere. 🙂", ())


def test_the_answer_says_where_they_are_free_and_what_is_left_within_200_characters() -> None:
    answers = [
        ("Coffee chat", VerifyAnswer(AnswerKind.WELCOME)),
        ("Book club", VerifyAnswer(AnswerKind.NOT_YET, (TALKS,))),
    ] + [
        (f"Group {n} " * 10, VerifyAnswer(AnswerKind.NOT_YET, (Channel(-n, "x" * 40, f"c{n}x"),)))
        for n in range(20)
    ]
    text = summary(answers)
    assert text.startswith("You can write again in \u2068Coffee chat\u2069.")
    assert "Still to join: \u2068Talks\u2069" in text
    assert length(text) <= CALLBACK_ANSWER_MAX
    assert "wait a few seconds" in summary([("G", VerifyAnswer(AnswerKind.TOO_SOON))])
    assert "busy" in summary([("G", VerifyAnswer(AnswerKind.CHECK_LATER))])
