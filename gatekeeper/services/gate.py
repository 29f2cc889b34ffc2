"""The gate: messages, joins, channel subscriptions and "I have joined" presses (looking at
a member again is rechecks.py's)."""

from __future__ import annotations

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import answers, policy
from gatekeeper.domain.actions import Recheck
from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.callbacks import decode_verify
from gatekeeper.domain.events import (
    ChannelMembershipChanged,
    MemberJoined,
    MessagePosted,
    SenderKind,
)
from gatekeeper.domain.model import ChatId, GroupRules, Require, UserId
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.enforcer import RETRY_AFTER_FAILURE, Enforcer
from gatekeeper.services.membership import Membership
from gatekeeper.services.notices import Notices
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram, UserUnreachable
from gatekeeper.services.rechecks import Rechecks
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

JOIN_DEDUP_SECONDS = 30.0  # a join arrives as a service message and as a participant update
VERIFY_INTERVAL = 5.0


class Gate(Rechecks):
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        membership: Membership,
        enforcer: Enforcer,
        notices: Notices,
        clock: Clock,
        metrics: Metrics,
    ) -> None:
        super().__init__(gateway, registry, membership, enforcer, clock)
        self._notices = notices
        self._metrics = metrics
        self._recent_joins: dict[tuple[ChatId, UserId], float] = {}
        self._last_verify: dict[tuple[ChatId, UserId], float] = {}

    def lets_through(self, group_id: ChatId, user_id: UserId) -> bool:
        """Whether a member's message, written as themselves, needs nothing more where the
        gate acts: an admin's, an exempted member's or a known subscriber's (memory alone).

        The hot path, asked before any domain event is built: True only where `on_message`
        would do nothing; False says nothing, `on_message` then decides.
        """
        channels = self._registry.gated.get(group_id)
        if channels is None:
            return False
        if self._registry.is_admin(group_id, user_id):
            return True
        if policy.allowed(self._registry.notes.get((group_id, user_id))):
            return True
        return self._membership.subscribed(channels, user_id)

    async def on_message(
        self, message: MessagePosted, name: str | None = None, thread: int | None = None
    ) -> None:
        """`thread`: the post a comment is under, in a discussion group (the notice goes there,
        where a commenter who is not a member reads)."""
        rules = self._registry.rules.get(message.group_id)
        if rules is None or not rules.enforced or not rules.acting:
            return
        if policy.is_exempt(message, rules):
            return
        if message.sender.kind is not SenderKind.USER:
            await self._enforcer.apply(policy.on_message(message, rules, {}))
            return
        user_id = message.sender.peer_id
        if policy.allowed(self._registry.notes.get((message.group_id, user_id))):
            return  # an admin's exception: nothing to look up
        channels = policy.needs_check(rules)
        if self._membership.subscribed(channels, user_id):
            return  # the hot path: a known subscriber, answered from memory
        verdicts = self._membership.peek(channels, user_id)
        if verdicts is None:
            try:
                verdicts = await self._membership.verdicts(channels, user_id)
            except FloodWaited as error:  # not punished for Telegram's limits: checked later
                await self._check_later(rules, user_id, error, name, joined=False)
                return
            rules = self._registry.rules.get(message.group_id, rules)  # health may have changed
        note = self._registry.notes.get((message.group_id, user_id))
        actions = policy.on_message(message, rules, verdicts, note, self._clock.now())
        if not actions:
            self._registry.verified[message.group_id].add(user_id)
            if note and note.strikes:  # subscribed now: warned afresh if they ever leave
                await self._registry.set_strikes(message.group_id, user_id, 0)
        await self._enforcer.apply(actions, name=name, reply_to=thread)

    async def on_join(self, joined: MemberJoined, name: str | None = None) -> None:
        rules = self._registry.rules.get(joined.group_id)
        if rules is None or not rules.enforced or not rules.acting:
            return
        key = (joined.group_id, joined.user_id)
        now = self._clock.now()
        if now - self._recent_joins.get(key, float("-inf")) < JOIN_DEDUP_SECONDS:
            return
        self._recent_joins[key] = now
        if joined.is_admin or self._registry.is_admin(joined.group_id, joined.user_id):
            return
        try:
            verdicts = await self._membership.verdicts(policy.needs_check(rules), joined.user_id)
        except FloodWaited as error:
            self._recent_joins.pop(key, None)  # a repeat of this join may try again
            await self._check_later(rules, joined.user_id, error, name, joined=True)
            return
        rules = self._registry.rules.get(joined.group_id, rules)
        note = self._registry.notes.get((joined.group_id, joined.user_id))
        actions = policy.on_join(joined, rules, verdicts, note, self._clock.now())
        await self._enforcer.apply(actions, name=name)

    async def _check_later(
        self,
        rules: GroupRules,
        user_id: UserId,
        error: FloodWaited,
        name: str | None,
        *,
        joined: bool,
    ) -> None:
        """A member's check had to wait: a re-check is postponed (kept across a crash)."""
        group_id = rules.group_id
        log.warning("check_postponed", group_id=group_id, user_id=user_id, reason=str(error))
        if policy.check_later(rules, joined=joined):
            await self._enforcer.postpone((Recheck(group_id, user_id),), error.seconds, name)

    async def on_channel_change(self, change: ChannelMembershipChanged) -> None:
        """A subscription changed: mute in every group that needs it, or release."""
        await self._membership.record(change.channel_id, change.user_id, change.is_member)
        if not (change.left or change.joined):
            return
        for rules in self._registry.groups_requiring(change.channel_id):
            group_id = rules.group_id
            if not rules.acting:
                continue  # demoted or removed there: it can mute or release nobody
            if change.left and not policy.acts_on_leave(rules):
                continue  # quietly: they meet the gate when they next speak
            if change.joined:
                # A mute of this member may be under way: let it land, then look.
                async with self._enforcer.lock(group_id, change.user_id):
                    pass
                if self._registry.restriction(group_id, change.user_id) is None:
                    continue
            # Asked afresh, never taken from the update: one caught up after a restart may be
            # long past, and the member may have left again since (an update still to come).
            await self._postponing([Recheck(group_id, change.user_id, fresh=True)])

    def forget_old(self) -> None:
        """Drop de-duplication and rate-limit entries that no longer matter."""
        self._enforcer.forget_old()
        now = self._clock.now()
        for table, window in (
            (self._recent_joins, JOIN_DEDUP_SECONDS),
            (self._last_verify, VERIFY_INTERVAL),
        ):
            for key in [k for k, at in table.items() if now - at >= window]:
                del table[key]

    async def on_verify(
        self, group_id: ChatId, presser_id: UserId, data: bytes | None
    ) -> VerifyAnswer:
        """The "I have joined" button: checks whoever pressed it, never the notice's subject."""
        key = (group_id, presser_id)
        now = self._clock.now()
        request = decode_verify(data)
        too_soon = now - self._last_verify.get(key, float("-inf")) < VERIFY_INTERVAL
        rules = self._registry.rules.get(group_id)
        early = answers.before_check(
            request,
            presser_id,
            too_soon=too_soon,
            muted_by_bot=self._registry.restriction(group_id, presser_id) is not None,
            protected=rules is not None,
            acting=rules is None or rules.acting,
        )
        if request is not None and not too_soon:
            self._last_verify[key] = now
        if early is not None:
            return early
        work = Recheck(group_id, presser_id, fresh=True)
        try:
            still_muted = await self.recheck(work)
            if not still_muted:
                self._registry.verified[group_id].add(presser_id)
                return answers.after_check(False, ())
            rules = self._registry.rules.get(group_id, rules)
            assert rules is not None
            verdicts = await self._membership.verdicts(policy.needs_check(rules), presser_id)
        except FloodWaited as error:
            await self._enforcer.postpone((work,), error.seconds, None)
            return VerifyAnswer(AnswerKind.CHECK_LATER)
        except (ChatUnreachable, UserUnreachable):
            await self._enforcer.postpone((work,), RETRY_AFTER_FAILURE, None)
            return VerifyAnswer(AnswerKind.CHECK_LATER)
        any_of = rules.settings.require is Require.ANY
        return answers.after_check(True, policy.missing_links(rules, verdicts), any_of=any_of)
