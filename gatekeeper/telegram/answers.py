"""The words for each answer a button press gets (the policy picks the kind)."""

from __future__ import annotations

from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, clip, length, listing

OUTSIDE_A_GROUP = "This button works only in the group."

_TEXTS = {
    AnswerKind.NOT_OUR_BUTTON: "This button is not one of mine, or it has expired.",
    AnswerKind.TOO_SOON: "Please wait a few seconds before pressing again.",
    AnswerKind.FOR_SOMEONE_ELSE: "This button is for someone else. You can write here already. 🙂",
    AnswerKind.NOT_MUTED: "You are not muted here: you can write already. 🙂",
    AnswerKind.NOT_PROTECTED: "This group is not protected any more.",
    AnswerKind.NOT_ACTING: (
        "I am not an admin here any more, so I cannot unmute anyone; the group's "
        "admins have been told."
    ),
    AnswerKind.CHECK_LATER: "Telegram is busy right now: I will check again shortly by myself.",
    AnswerKind.WELCOME: "Welcome! Thanks for joining: you can write now. 🎉",
    AnswerKind.RELEASE_SOON: (
        "Thanks, you have joined everything: I will unmute you within a minute."
    ),
    AnswerKind.FAILED: "Something went wrong; please try again in a minute.",
}


NOT_YET = "Not yet: please join {}, then press again."


def text_of(answer: VerifyAnswer) -> str:
    """The answer's words, within Telegram's 200 characters for a callback answer."""
    if answer.kind is AnswerKind.NOT_YET:
        budget = CALLBACK_ANSWER_MAX - length(NOT_YET.format(""))
        return NOT_YET.format(listing([c.label for c in answer.missing], budget))
    return clip(_TEXTS[answer.kind], CALLBACK_ANSWER_MAX)
