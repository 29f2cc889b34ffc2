"""The words for each answer a press of a join request's "I have joined" gets."""

from __future__ import annotations

from gatekeeper.domain.i18n import ENGLISH, N_, Texts
from gatekeeper.domain.join_requests import JoinAnswer, Outcome
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, clip
from gatekeeper.telegram.answers import not_yet

NOT_OURS = N_("This button is not one of mine, or it has expired.")
TOO_SOON = N_("Please wait a few seconds before pressing again.")

_TEXTS = {
    Outcome.APPROVED: N_("Welcome! Your request is approved: you are in. 🎉"),
    Outcome.GONE: N_(
        "Your request to join is not pending any more: it was handled already. "
        "You can ask to join again."
    ),
    Outcome.TOO_MANY: N_(
        "Telegram will not let you in: you are in too many groups and channels. "
        "Leave one, then press again."
    ),
    Outcome.LATER: N_("Telegram is busy right now: please press again in a minute."),
    Outcome.ADMINS: N_(
        "I cannot check every channel right now: the group's admins will look at your request."
    ),
}


def join_answer_text(answer: JoinAnswer, t: Texts = ENGLISH) -> str:
    """The answer's words in the presser's language, within Telegram's 200 characters for a
    callback answer."""
    if answer.outcome is Outcome.NOT_YET:
        return not_yet(answer.missing, answer.any_of, t)
    return clip(t.tr(_TEXTS[answer.outcome]), CALLBACK_ANSWER_MAX)
