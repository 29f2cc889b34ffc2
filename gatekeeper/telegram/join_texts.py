"""The words for each answer a press of a join request's "I have joined" gets."""

from __future__ import annotations

from gatekeeper.domain.i18n import ENGLISH, N_, Texts
from gatekeeper.domain.join_requests import JoinAnswer, Outcome
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, clip, length, listing

NOT_OURS = N_("This button is not one of mine, or it has expired.")
TOO_SOON = N_("Please wait a few seconds before pressing again.")
NOT_YET = N_("Not yet: please join {channels}, then press again.")
NOT_YET_ANY = N_("Not yet: joining one of {channels} is enough, then press again.")

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
        template = NOT_YET_ANY if answer.any_of and len(answer.missing) > 1 else NOT_YET
        budget = CALLBACK_ANSWER_MAX - length(t.tr(template, channels=""))
        names = listing([t.name(c.label) for c in answer.missing], budget, t)
        return t.tr(template, channels=names)
    return clip(t.tr(_TEXTS[answer.outcome]), CALLBACK_ANSWER_MAX)
