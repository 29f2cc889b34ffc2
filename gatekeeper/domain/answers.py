"""Which answer a press of the "I have joined" button gets (the adapter words it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gatekeeper.domain.callbacks import VerifyRequest
from gatekeeper.domain.model import Channel, ChannelLink


class AnswerKind(StrEnum):
    NOT_OUR_BUTTON = "not_our_button"  # malformed or foreign data
    TOO_SOON = "too_soon"  # pressed again within a few seconds
    FOR_SOMEONE_ELSE = "for_someone_else"  # a notice about another member; the presser is free
    NOT_MUTED = "not_muted"  # the presser can write already
    NOT_PROTECTED = "not_protected"  # the group is no longer known
    NOT_ACTING = "not_acting"  # the bot lost its admin rights in the group: it cannot unmute
    CHECK_LATER = "check_later"  # Telegram made the check wait: it is done later by itself
    WELCOME = "welcome"  # released
    RELEASE_SOON = "release_soon"  # qualified, but the release itself had to wait
    NOT_YET = "not_yet"  # still missing channels (named)
    FAILED = "failed"  # something unexpected went wrong

    @property
    def alert(self) -> bool:
        """Shown as a dialog the presser must close, rather than a passing toast."""
        return self in (AnswerKind.NOT_YET, AnswerKind.NOT_ACTING)


@dataclass(frozen=True, slots=True)
class VerifyAnswer:
    kind: AnswerKind
    missing: tuple[Channel, ...] = ()  # for NOT_YET: the channels still to join
    any_of: bool = False  # for NOT_YET: the group requires "any", so one of them is enough


def before_check(
    request: VerifyRequest | None,
    presser_id: int,
    *,
    too_soon: bool,
    muted_by_bot: bool,
    protected: bool,
    acting: bool = True,
) -> VerifyAnswer | None:
    """The answer that needs no look at Telegram, or None if the presser must be re-checked.

    The button always verifies whoever presses it, never the member the notice named.
    """
    if request is None:
        return VerifyAnswer(AnswerKind.NOT_OUR_BUTTON)
    if too_soon:
        return VerifyAnswer(AnswerKind.TOO_SOON)
    if not muted_by_bot:
        if request.user_id not in (presser_id, 0):
            return VerifyAnswer(AnswerKind.FOR_SOMEONE_ELSE)
        return VerifyAnswer(AnswerKind.NOT_MUTED)
    if not protected:
        return VerifyAnswer(AnswerKind.NOT_PROTECTED)
    if not acting:
        return VerifyAnswer(AnswerKind.NOT_ACTING)
    return None


def after_check(
    still_muted: bool, missing: tuple[ChannelLink, ...], *, any_of: bool = False
) -> VerifyAnswer:
    """The answer once the presser was checked afresh (`any_of`: one channel is enough)."""
    if not still_muted:
        return VerifyAnswer(AnswerKind.WELCOME)
    if not missing:
        return VerifyAnswer(AnswerKind.RELEASE_SOON)
    return VerifyAnswer(AnswerKind.NOT_YET, tuple(link.channel for link in missing), any_of)
