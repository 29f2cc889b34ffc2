"""Join requests: approve a requester who is subscribed, ask one who is not, leave the rest.

A group that approves new members sends the bot (its admin with the invite right) each
request. Nothing here declines a request unless the group's settings say so (`decline_after`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from gatekeeper.domain import policy
from gatekeeper.domain.model import (
    Channel,
    ChatId,
    GroupRules,
    MemberNote,
    Require,
    UserId,
    Verdict,
)

# Bot API, ChatJoinRequest.user_chat_id: a bot may write to a requester for 5 minutes after
# the request, until it is handled. Later, or once handled, Telegram refuses (PEER_ID_INVALID).
PRIVATE_WINDOW = 300.0
# A bot is not told when a request to a channel is declined or withdrawn: a request the bot saw
# counts for `/settings pending accept` only this long, then the member must be in.
PENDING_TRUST = 7 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class JoinRequest:
    """A request to join a chat (a group the bot guards, or a channel it checks) that the bot
    has not seen handled yet."""

    chat_id: ChatId
    user_id: UserId
    requested_at: float  # unix time, as Telegram dated the request
    query_id: int | None = None  # set when the bot answers as the chat's guard bot
    asked: bool = False  # the bot wrote to the requester privately
    problem: str | None = None  # why the bot could not write to them, for the log and /status


class Reply(StrEnum):
    """What the bot does with a request, or with a press of its "I have joined" button."""

    APPROVE = "approve"  # subscribed as the group requires
    ASK = "ask"  # not yet: write privately (or answer the press) naming the channels to join
    LEAVE = "leave"  # nothing: the group's admins decide


@dataclass(frozen=True, slots=True)
class Decision:
    reply: Reply
    missing: tuple[Channel, ...] = ()  # for ASK: the channels to join
    any_of: bool = False  # for ASK: one of them is enough
    reason: str | None = None  # for LEAVE: why the bot does not decide


class Outcome(StrEnum):
    """The answer a press of the private message's "I have joined" gets."""

    APPROVED = "approved"  # let in
    NOT_YET = "not_yet"  # still to join (named)
    GONE = "gone"  # no request of theirs is pending any more (handled, or never one)
    TOO_MANY = "too_many"  # Telegram refuses: they are in too many groups and channels
    LATER = "later"  # Telegram made the bot wait: press again in a minute
    ADMINS = "admins"  # the bot cannot decide (a channel it cannot check): the admins will


@dataclass(frozen=True, slots=True)
class JoinAnswer:
    outcome: Outcome
    missing: tuple[Channel, ...] = ()  # for NOT_YET
    any_of: bool = False  # for NOT_YET: one of them is enough

    @property
    def alert(self) -> bool:
        return self.outcome in (Outcome.NOT_YET, Outcome.TOO_MANY)


def _confirmed(rules: GroupRules, verdicts: Mapping[ChatId, Verdict]) -> bool:
    """Whether the bot knows the requester is subscribed as the group requires (a channel it
    cannot check never lets anyone in: fail-safe, as it never keeps anyone out)."""
    seen = [
        link.healthy and policy.joined(rules, link, verdicts.get(link.channel.id))
        for link in rules.links
    ]
    return any(seen) if rules.settings.require is Require.ANY else all(seen)


def _unchecked(rules: GroupRules, verdicts: Mapping[ChatId, Verdict]) -> str:
    names = [
        link.channel.label
        for link in rules.links
        if not link.healthy or not policy.joined(rules, link, verdicts.get(link.channel.id))
    ]
    return f"I cannot check {', '.join(names)}"


def _leaving(rules: GroupRules | None) -> Decision | None:
    if rules is None or not rules.enforced:
        return Decision(Reply.LEAVE, reason="the group is not protected")
    if not rules.acting:
        return Decision(Reply.LEAVE, reason="I lack the admin rights I need in the group")
    if rules.observing:
        return Decision(Reply.LEAVE, reason="observe mode: I act on nobody")
    return None


def decide(
    rules: GroupRules | None,
    verdicts: Mapping[ChatId, Verdict],
    note: MemberNote | None = None,
) -> Decision:
    """A request (or a press by the requester): approve, ask them to join, or leave it."""
    leave = _leaving(rules)
    if leave is not None:
        return leave
    assert rules is not None
    if policy.allowed(note) or _confirmed(rules, verdicts):
        return Decision(Reply.APPROVE)
    # Unlike a member's gate (policy.missing_links), a channel the bot cannot check is no
    # reason to stop asking for the ones it can: one of those may be enough, or all are due.
    missing = tuple(
        link.channel
        for link in rules.links
        if link.healthy and policy.lacks(rules, link, verdicts.get(link.channel.id))
    )
    if not missing:
        return Decision(Reply.LEAVE, reason=_unchecked(rules, verdicts))
    return Decision(Reply.ASK, missing, rules.settings.require is Require.ANY)


class GuardAnswer(StrEnum):
    """How the bot answers a request put to it as the chat's guard bot (Bot API 10.1,
    `bots.setJoinChatResults`): before the admins see it."""

    APPROVE = "approve"  # let them in
    QUEUE = "queue"  # hand it to the admins as an ordinary request (the bot can approve later)


def guard_answer(decision: Decision) -> GuardAnswer:
    """Approved for a subscriber; anything else is queued (never declined): while the
    requester is asked to join, and when the bot cannot decide."""
    return GuardAnswer.APPROVE if decision.reply is Reply.APPROVE else GuardAnswer.QUEUE


def may_write(request: JoinRequest, now: float) -> bool:
    """Whether Telegram still lets the bot write to the requester privately."""
    return now - request.requested_at < PRIVATE_WINDOW


def still_pending(request: JoinRequest, now: float) -> bool:
    """Whether the bot still believes a request it saw is pending (see PENDING_TRUST)."""
    return now - request.requested_at < PENDING_TRUST


def due_for_decline(rules: GroupRules | None, request: JoinRequest, now: float) -> bool:
    """A request left unfinished for the group's `decline` time is declined (if it says so)."""
    if rules is None or not rules.enforced or not rules.acting or rules.observing:
        return False
    after = rules.settings.decline_after
    return after is not None and now - request.requested_at >= after
