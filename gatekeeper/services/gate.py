"""The gate: messages, joins, channel subscriptions and "I have joined" presses."""

from __future__ import annotations

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import answers, policy
from gatekeeper.domain.actions import DeleteMessage, Mute, Recheck, Work
from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.callbacks import decode_verify
from gatekeeper.domain.events import (
    ChannelMembershipChanged,
    MemberJoined,
    MessagePosted,
    SenderKind,
)
from gatekeeper.domain.model import ChatId, GroupRules, Require, UserId, Verdict
from gatekeeper.domain.safety import MuteCall, judge_mute
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.enforcer import RETRY_AFTER_FAILURE, Enforcer
from gatekeeper.services.membership import Membership
from gatekeeper.services.notices import Notices
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram, UserUnreachable
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

JOIN_DEDUP_SECONDS = 30.0  # a join arrives as a service message and as a participant update
VERIFY_INTERVAL = 5.0


class Gate:
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
        self._gateway = gateway
        self._registry = registry
        self._membership = membership
        self._enforcer = enforcer
        self._notices = notices
        self._clock = clock
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

    async def owe(self, pairs: list[tuple[ChatId, UserId]], *, joined: bool) -> None:
        """Members (chat, user) an update was about when it met the database away: each is
        re-checked afresh once a while has passed (postponed work, kept in memory until the
        database takes it), so what the update would have decided is decided then; `joined`,
        an update about joining (`policy.check_later`)."""

        def groups_of(chat_id: ChatId) -> list[ChatId]:
            return [
                group_id
                for group_id in self._registry.groups_for(chat_id)
                if (rules := self._registry.rules.get(group_id)) is not None
                and policy.check_later(rules, joined=joined)
            ]

        await self._enforcer.queue.owe(pairs, groups_of, RETRY_AFTER_FAILURE)

    async def recheck_member(self, group_id: ChatId, user_id: UserId) -> None:
        """Look at one member again now; whatever Telegram makes wait is done later."""
        await self._postponing([Recheck(group_id, user_id)])

    async def _postponing(self, work: list[Recheck], name: str | None = None) -> None:
        """Re-check each member; whatever Telegram makes wait, or fails, is done later.

        After a flood wait the rest is not even tried: it would only fail fast.
        """
        for index, item in enumerate(work):
            try:
                await self.recheck(item, name=name)
            except FloodWaited as error:
                for rest in work[index:]:
                    await self._enforcer.postpone((rest,), error.seconds, name)
                log.warning("recheck_postponed", members=len(work) - index, reason=str(error))
                return
            except Exception as error:  # one member's failure must not strand the others
                log.warning("recheck_failed", work=repr(item), reason=repr(error))
                await self._enforcer.postpone((item,), RETRY_AFTER_FAILURE, name)

    async def recheck(self, work: Recheck, *, name: str | None = None) -> bool:
        """Re-evaluate one member of one group; True if the bot now has them muted."""
        group_id, user_id = work.group_id, work.user_id
        rules = self._registry.rules.get(group_id)
        if rules is None or not rules.acting:
            return False  # a group where the bot lost its rights is re-checked when it resumes
        muted_by_bot = self._registry.restriction(group_id, user_id) is not None
        if not muted_by_bot and rules.enforced and not await self._may_mute(group_id, user_id):
            return False
        verdicts = await self._verdicts(rules, work)
        rules = self._registry.rules.get(group_id, rules)
        note = self._registry.notes.get((group_id, user_id))
        actions = policy.on_recheck(
            rules, user_id, verdicts, muted_by_bot=muted_by_bot, note=note, now=self._clock.now()
        )
        await self._enforcer.apply(actions, name=name)
        return self._registry.restriction(group_id, user_id) is not None

    async def _may_mute(self, group_id: ChatId, user_id: UserId) -> bool:
        if self._registry.is_admin(group_id, user_id):
            return False
        try:
            standing = await self._registry.listed.standing(group_id, user_id, self._gateway)
        except (ChatUnreachable, UserUnreachable):
            return False
        discussion_group = self._enforcer.in_discussion_group(group_id)
        call = judge_mute(standing, self._clock.now(), discussion_group=discussion_group)
        if call is MuteCall.SPARE_ADMIN:
            self._registry.set_admin(group_id, user_id, True)
        return call is MuteCall.MUTE

    async def _verdicts(self, rules: GroupRules, work: Recheck) -> dict[ChatId, Verdict]:
        channels = policy.needs_check(rules)
        known = {c: Verdict.MEMBER for c in work.joined if c in channels}
        rest = [c for c in channels if c not in known]
        asked = await self._membership.verdicts(rest, work.user_id, fresh=work.fresh)
        return {**asked, **known}

    async def release_all(self, group_id: ChatId) -> int:
        """Release everyone the bot muted here; a release that must wait is done later."""
        released = 0
        if not self._acting(group_id):
            return 0  # done by the re-check when the bot is an admin there again
        for restriction in self._registry.restrictions_in(group_id):
            user_id = restriction.user_id
            try:
                released += await self._enforcer.release(group_id, user_id)
            except FloodWaited as error:
                await self._enforcer.postpone((Recheck(group_id, user_id),), error.seconds, None)
            except Exception as error:  # one member's failure must not strand the others
                log.warning(
                    "release_failed", group_id=group_id, user_id=user_id, reason=repr(error)
                )
                await self._enforcer.postpone(
                    (Recheck(group_id, user_id),), RETRY_AFTER_FAILURE, None
                )
        return released

    async def recheck_muted(self, group_id: ChatId, channel_id: ChatId | None = None) -> None:
        """Release whoever the bot muted here and now meets the requirements (fresh checks).

        Only those muted for `channel_id`, if given.
        """
        if not self._acting(group_id):
            return
        await self._postponing(
            [
                Recheck(group_id, restriction.user_id, fresh=True)
                for restriction in self._registry.restrictions_in(group_id)
                if channel_id is None or channel_id in restriction.missing
            ]
        )

    async def retry_postponed(self) -> None:
        """Postponed work whose wait is over. A mute is decided afresh, not replayed."""
        queue = self._enforcer.queue
        await queue.save_unsaved()
        for batch in queue.take_due():
            try:
                await self._retry(batch.work, batch.name)
            except FloodWaited as error:
                await queue.again(batch, error.seconds)
            except Exception as error:
                log.warning("postponed_failed", work=repr(batch.work[0]), reason=repr(error))
                await queue.again(batch, RETRY_AFTER_FAILURE)
            else:
                await queue.done(batch)

    def _acting(self, group_id: ChatId) -> bool:
        rules = self._registry.rules.get(group_id)
        return rules is None or rules.acting

    async def _retry(self, batch: tuple[Work, ...], name: str | None) -> None:
        first = batch[0]
        if isinstance(first, Recheck):
            await self.recheck(first, name=name)
        elif isinstance(first, Mute):
            if await self.recheck(Recheck(first.group_id, first.user_id), name=name):
                await self._enforcer.apply([a for a in batch if isinstance(a, DeleteMessage)])
        else:
            await self._enforcer.apply([a for a in batch if not isinstance(a, Recheck)], name=name)

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
