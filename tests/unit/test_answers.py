"""Which answer a press of "I have joined" gets."""

from __future__ import annotations

import pytest

from gatekeeper.domain import answers
from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.callbacks import VerifyRequest
from gatekeeper.domain.model import Channel, ChannelLink
from gatekeeper.telegram.answers import text_of

ALICE, BOB = 1001, 1002
NEWS = Channel(-1001000000002, "News", "news")


@pytest.mark.parametrize(
    ("request_", "too_soon", "muted", "protected", "expected"),
    [
        (None, False, True, True, AnswerKind.NOT_OUR_BUTTON),
        (VerifyRequest(ALICE), True, True, True, AnswerKind.TOO_SOON),
        (VerifyRequest(BOB), False, False, True, AnswerKind.FOR_SOMEONE_ELSE),
        (VerifyRequest(ALICE), False, False, True, AnswerKind.NOT_MUTED),
        (VerifyRequest(0), False, False, True, AnswerKind.NOT_MUTED),
        (VerifyRequest(ALICE), False, True, False, AnswerKind.NOT_PROTECTED),
        (VerifyRequest(ALICE), False, True, True, None),
        (VerifyRequest(BOB), False, True, True, None),
    ],
    ids=[
        "not our button",
        "pressed again at once",
        "someone else's notice, presser free",
        "own notice, already free",
        "a shared notice, already free",
        "group no longer protected",
        "muted: checked",
        "someone else's notice, presser muted: the presser is checked",
    ],
)
def test_what_a_press_gets_before_any_check(
    request_: VerifyRequest | None,
    too_soon: bool,
    muted: bool,
    protected: bool,
    expected: AnswerKind | None,
) -> None:
    answer = answers.before_check(
        request_, ALICE, too_soon=too_soon, muted_by_bot=muted, protected=protected
    )
    assert (answer.kind if answer else None) is expected


def test_a_bot_that_lost_its_rights_says_so_instead_of_checking() -> None:
    answer = answers.before_check(
        VerifyRequest(ALICE), ALICE, too_soon=False, muted_by_bot=True, protected=True, acting=False
    )
    assert answer == VerifyAnswer(AnswerKind.NOT_ACTING) and answer.kind.alert


def test_after_the_check_the_presser_is_welcomed_told_to_wait_or_told_what_is_missing() -> None:
    assert answers.after_check(False, ()) == VerifyAnswer(AnswerKind.WELCOME)
    assert answers.after_check(True, ()) == VerifyAnswer(AnswerKind.RELEASE_SOON)
    missing = answers.after_check(True, (ChannelLink(NEWS),))
    assert missing == VerifyAnswer(AnswerKind.NOT_YET, (NEWS,))
    assert missing.kind.alert and not AnswerKind.WELCOME.alert


@pytest.mark.parametrize(
    ("any_of", "channels", "says_one_is_enough"),
    [(False, 2, False), (True, 2, True), (True, 1, False)],
)
def test_under_any_the_alert_says_one_channel_is_enough(
    any_of: bool, channels: int, says_one_is_enough: bool
) -> None:
    links = (ChannelLink(NEWS), ChannelLink(Channel(-1001000000003, "Talks", "talks")))
    answer = answers.after_check(True, links[:channels], any_of=any_of)
    text = text_of(answer)
    assert answer.kind is AnswerKind.NOT_YET and "@news" in text
    assert ("one of" in text and "is enough" in text) is says_one_is_enough
