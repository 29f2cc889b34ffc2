"""Join requests to a guarded group: approved at once for subscribers, the others asked
privately to join first; a press of "I have joined" that succeeds approves the request."""

from __future__ import annotations

import html
from dataclasses import replace

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import policy
from gatekeeper.domain.callbacks import encode_join
from gatekeeper.domain.i18n import ENGLISH, Texts
from gatekeeper.domain.join_requests import (
    Decision,
    GuardAnswer,
    JoinAnswer,
    JoinRequest,
    Outcome,
    Reply,
    decide,
    due_for_decline,
    guard_answer,
    may_write,
)
from gatekeeper.domain.limits import MESSAGE_MAX, clip
from gatekeeper.domain.mentions import FSI, PDI
from gatekeeper.domain.model import ChatId, GroupRules, MemberNote, UserId, Verdict
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.channel_requests import ChannelRequests
from gatekeeper.services.membership import Membership
from gatekeeper.services.notices import channel_names, notice_buttons
from gatekeeper.services.pending_requests import PendingRequests
from gatekeeper.services.ports import (
    ChatUnreachable,
    FloodWaited,
    JoinDesk,
    PrivateRefused,
    RequestGone,
    TooManyChats,
)
from gatekeeper.services.registry import Registry
from gatekeeper.storage.errors import unreachable

log = structlog.get_logger(__name__)

WINDOW_OVER = "the 5 minutes Telegram gives a bot to write to a requester were over"
APPROVAL_WAITS = "Telegram made the approval wait; I try again"


def ask_text(title: str, decision: Decision, t: Texts = ENGLISH) -> str:
    """The private message to a requester (HTML): what to join, and the button to press."""
    group, channels = html.escape(FSI + title + PDI), channel_names(decision.missing, t)
    if decision.any_of and len(decision.missing) > 1:
        text = t.tr(
            "👋 To join {group}, please become one of the subscribers of at least one of "
            "{channels} first. Then press <b>I have joined</b> and I will let you in.",
            group=group,
            channels=channels,
        )
    else:
        text = t.tr(
            "👋 To join {group}, please become one of the subscribers of {channels} first. "
            "Then press <b>I have joined</b> and I will let you in.",
            group=group,
            channels=channels,
        )
    return clip(text, MESSAGE_MAX)


class JoinRequests:
    def __init__(
        self,
        desk: JoinDesk,
        registry: Registry,
        membership: Membership,
        pending: PendingRequests,
        channels: ChannelRequests,
        clock: Clock,
        metrics: Metrics,
    ) -> None:
        self._desk = desk
        self._registry = registry
        self._membership = membership
        self.pending = pending
        self._channels = channels
        self._clock = clock
        self._metrics = metrics

    async def on_request(self, request: JoinRequest, *, access_hash: int | None = None) -> None:
        """Telegram says someone asks to join a chat the bot administers."""
        rules = self._registry.rules.get(request.chat_id)
        if rules is None and self._channels.concerns(request.chat_id):
            await self._channels.on_request(request, access_hash=access_hash)
            return
        if rules is None:  # not a chat the bot guards or checks: its admins decide
            await self._queue(request)
            return
        key = (request.chat_id, request.user_id)
        known = self.pending.get(*key)
        if known is not None and known.requested_at == request.requested_at:
            return  # the same request again (a catch-up after a restart, say)
        # Stored only if it is to wait: a subscriber's request costs the database nothing.
        self.pending.remember_hash(request.user_id, access_hash)
        try:
            verdicts = await self._verdicts(rules, request.user_id, fresh=False)
        except FloodWaited as error:
            waiting = await self._wait(request, f"Telegram asked me to wait: {error}")
            await self.pending.keep(await self._queue(waiting))
            return
        decision = decide(
            self._registry.rules.get(request.chat_id, rules), verdicts, self._note(key)
        )
        if guard_answer(decision) is GuardAnswer.APPROVE:
            outcome = await self._approve(request)
            if outcome in (Outcome.APPROVED, Outcome.GONE):
                return
            # Not now: the sweep tries again after a wait; else it is the admins'.
            reason = (
                APPROVAL_WAITS if outcome is Outcome.LATER else "Telegram would not let them in"
            )
            request = await self._wait(request, reason)
        elif decision.reply is Reply.ASK:
            request = await self._ask(request, rules, decision)
        else:
            request = await self._wait(request, decision.reason or "the admins decide")
        # Asked first: a guard bot's answer may end the time in which it may write to them.
        await self.pending.keep(await self._queue(request))

    async def on_press(self, group_id: ChatId, user_id: UserId) -> JoinAnswer:
        """The requester pressed "I have joined" in the bot's private message."""
        request = self.pending.get(group_id, user_id)
        rules = self._registry.rules.get(group_id)
        if request is None or rules is None:
            return JoinAnswer(Outcome.GONE)
        try:
            verdicts = await self._verdicts(rules, user_id, fresh=True)
        except FloodWaited:
            return JoinAnswer(Outcome.LATER)
        decision = decide(
            self._registry.rules.get(group_id, rules), verdicts, self._note((group_id, user_id))
        )
        if decision.reply is Reply.ASK:
            return JoinAnswer(Outcome.NOT_YET, decision.missing, decision.any_of)
        if decision.reply is Reply.LEAVE:
            log.info(
                "join_request_left", group_id=group_id, user_id=user_id, reason=decision.reason
            )
            return JoinAnswer(Outcome.ADMINS)
        return JoinAnswer(await self._approve(request))

    async def sweep(self) -> int:
        """Decline the requests left unfinished for as long as their group's settings say (and
        forget requests to channels that the bot no longer believes pending)."""
        await self._channels.sweep()
        now = self._clock.now()
        declined = 0
        for request in self.pending.all():
            if request.problem == APPROVAL_WAITS:
                await self._retry(request)
                continue
            if not due_for_decline(self._registry.rules.get(request.chat_id), request, now):
                continue
            try:
                await self._desk.decline(request.chat_id, request.user_id)
            except RequestGone:
                pass
            except (ChatUnreachable, FloodWaited) as error:
                log.warning("join_decline_failed", group_id=request.chat_id, reason=str(error))
                continue
            else:
                declined += 1
                self._metrics.decision("join_declined")
                await self._audit("join_declined", request)
            await self.pending.forget(request.chat_id, request.user_id)
        return declined

    async def _retry(self, request: JoinRequest) -> None:
        """A subscriber's approval that Telegram made wait: decided again, approved if still so."""
        rules = self._registry.rules.get(request.chat_id)
        if rules is None:
            return
        try:
            verdicts = await self._verdicts(rules, request.user_id, fresh=False)
        except FloodWaited:
            return
        decision = decide(rules, verdicts, self._note((request.chat_id, request.user_id)))
        if decision.reply is Reply.APPROVE:
            await self._approve(request)
        else:  # no longer subscribed: the admins', like any request the bot did not approve
            await self._wait(request, decision.reason or "no longer subscribed")

    async def _verdicts(
        self, rules: GroupRules, user_id: UserId, *, fresh: bool
    ) -> dict[ChatId, Verdict]:
        return await self._membership.verdicts(policy.needs_check(rules), user_id, fresh=fresh)

    def _note(self, key: tuple[ChatId, UserId]) -> MemberNote | None:
        return self._registry.notes.get(key)

    async def _approve(self, request: JoinRequest) -> Outcome:
        group_id, user_id = request.chat_id, request.user_id
        try:
            if request.query_id is not None:
                await self._desk.answer_query(request.query_id, approve=True)
            else:
                await self._desk.approve(group_id, user_id)
        except RequestGone:
            await self.pending.forget(group_id, user_id)
            return Outcome.GONE
        except TooManyChats:
            log.info("join_approve_refused", group_id=group_id, user_id=user_id, reason="too many")
            return Outcome.TOO_MANY
        except (ChatUnreachable, FloodWaited) as error:
            log.warning(
                "join_approve_failed", group_id=group_id, user_id=user_id, reason=str(error)
            )
            return Outcome.LATER
        self._metrics.decision("join_approved")
        try:
            await self._audit("join_approved", request)
            await self.pending.forget(group_id, user_id)
        except Exception as error:  # they are in all the same: a row left is forgotten later
            if not unreachable(error):
                raise
            log.warning("join_approval_not_saved", group_id=group_id, user_id=user_id)
        return Outcome.APPROVED

    async def _ask(
        self, request: JoinRequest, rules: GroupRules, decision: Decision
    ) -> JoinRequest:
        if not may_write(request, self._clock.now()):
            return await self._wait(request, WINDOW_OVER)
        # In the group's language: a join request carries no word of the requester's own.
        t = self._registry.texts(request.chat_id)
        buttons = notice_buttons(t, decision.missing, encode_join(request.chat_id))
        try:
            await self._desk.write(request.user_id, ask_text(rules.title, decision, t), buttons)
        except (PrivateRefused, FloodWaited) as error:
            return await self._wait(request, str(error))
        self._metrics.decision("join_asked")
        asked = replace(request, asked=True, problem=None)
        await self.pending.keep(asked)
        return asked

    async def _wait(self, request: JoinRequest, reason: str) -> JoinRequest:
        """The request stays for the admins; the log says why the bot did not ask."""
        log.warning(
            "join_request_waits", group_id=request.chat_id, user_id=request.user_id, reason=reason
        )
        waiting = replace(request, problem=reason)
        await self.pending.keep(waiting)
        return waiting

    async def _queue(self, request: JoinRequest) -> JoinRequest:
        """As the chat's guard bot, hand the request to the admins (the bot may still approve
        it later, as their fellow admin); the request without its query, answered."""
        if request.query_id is None:
            return request
        try:
            await self._desk.answer_query(request.query_id, approve=False)
        except (RequestGone, TooManyChats, FloodWaited) as error:
            log.warning("join_queue_failed", group_id=request.chat_id, reason=str(error))
        return replace(request, query_id=None)

    async def _audit(self, action: str, request: JoinRequest) -> None:
        await self._registry.storage.audit.record(
            action, at=self._clock.now(), group_id=request.chat_id, user_id=request.user_id
        )
