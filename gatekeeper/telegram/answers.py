"""The words for each answer a button press gets (the policy picks the kind)."""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.i18n import ENGLISH, N_, Texts
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, clip, length, listing
from gatekeeper.domain.model import Channel

OUTSIDE_A_GROUP = N_("This button works only in the group.")

_TEXTS = {
    AnswerKind.NOT_OUR_BUTTON: N_("This button is not one of mine, or it has expired."),
    AnswerKind.TOO_SOON: N_("Please wait a few seconds before pressing again."),
    AnswerKind.FOR_SOMEONE_ELSE: N_(
        "This button is for someone else. You can write here already. 🙂"
    ),
    AnswerKind.NOT_MUTED: N_("You are not muted here: you can write already. 🙂"),
    AnswerKind.NOT_PROTECTED: N_("This group is not protected any more."),
    AnswerKind.NOT_ACTING: N_(
        "I am not an admin here any more, so I cannot unmute anyone; the group's "
        "admins have been told."
    ),
    AnswerKind.CHECK_LATER: N_("Telegram is busy right now: I will check again shortly by myself."),
    AnswerKind.WELCOME: N_("Welcome! Thanks for joining: you can write now. 🎉"),
    AnswerKind.RELEASE_SOON: N_(
        "Thanks, you have joined everything: I will unmute you within a minute."
    ),
    AnswerKind.FAILED: N_("Something went wrong; please try again in a minute."),
}


NOT_YET = N_("Not yet: please join {channels}, then press again.")
NOT_YET_ANY = N_("Not yet: joining one of {channels} is enough, then press again.")


def not_yet(missing: Sequence[Channel], any_of: bool, t: Texts = ENGLISH) -> str:
    """What is still to join; under "any", that one of the channels will do (within 200)."""
    template = NOT_YET_ANY if any_of and len(missing) > 1 else NOT_YET
    budget = CALLBACK_ANSWER_MAX - length(t.tr(template, channels=""))
    return t.tr(template, channels=listing([t.name(c.label) for c in missing], budget, t))


def text_of(answer: VerifyAnswer, t: Texts = ENGLISH) -> str:
    """The answer's words in the presser's language, within Telegram's 200 characters for a
    callback answer."""
    if answer.kind is AnswerKind.NOT_YET:
        return not_yet(answer.missing, answer.any_of, t)
    return clip(t.tr(_TEXTS[answer.kind]), CALLBACK_ANSWER_MAX)
