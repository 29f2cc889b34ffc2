"""The gate: messages, joins, channel subscriptions and "I have joined" presses."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import policy
from gatekeeper.domain.actions import DeleteMessage, Mute, Release
from gatekeeper.domain.callbacks import decode_verify
from gatekeeper.domain.events import (
    ChannelMembershipChanged,
    MemberJoined,
    MessagePosted,
    SenderKind,
)
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, length, listing
from gatekeeper.domain.model import ChatId, UserId, Verdict
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.enforcer import Enforcer, restrictable
from gatekeeper.services.membership import Membership
from gatekeeper.services.notices import Notices
from gatekeeper.services.registry import Registry
from gatekeeper.telegram.gateway import ChatUnreachable, FloodWaited, Gateway, UserUnreachable

log = structlog.get_logger(__name__)

JOIN_DEDUP_SECONDS = 30.0
RETRY_AFTER_FAILURE = 30.0  # a join arrives as a service message and as a participant update
VERIFY_INTERVAL = 5.0


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    alert: bool = False


class Gate:
    def __init__(
        self,
        gateway: Gateway,
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
        channels = policy.needs_check(rules)
        verdicts = self._membership.peek(channels, user_id)
        if verdicts is not None and all(v is Verdict.MEMBER for v in verdicts.values()):
            return  # the hot path: a known subscriber, answered from memory
        if verdicts is None:
            try:
                verdicts = await self._membership.verdicts(channels, user_id)
            except FloodWaited as error:
                log.warning("check_postponed", group_id=message.group_id, reason=str(error))
                return  # cannot tell now: the member is not punished for Telegram's limits
            rules = self._registry.rules.get(message.group_id, rules)  # health may have changed
        actions = policy.on_message(message, rules, verdicts)
        if not actions:
            self._registry.verified[message.group_id].add(user_id)
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
            log.warning("check_postponed", group_id=joined.group_id, reason=str(error))
            return
        rules = self._registry.rules.get(joined.group_id, rules)
        actions = policy.on_join(joined, rules, verdicts)
        await self._enforcer.apply(actions, name=name)

    async def on_channel_change(self, change: ChannelMembershipChanged) -> None:
        """A subscription changed: mute in every group that needs it, or release."""
        await self._membership.record(change.channel_id, change.user_id, change.is_member)
        if not (change.left or change.joined):
            return
        for rules in self._registry.groups_requiring(change.channel_id):
            group_id = rules.group_id
            if not rules.acting:
                continue  # demoted or removed there: it can mute or release nobody
            if change.joined:
                # A mute of this member may be under way: let it land, then look.
                async with self._enforcer.lock(group_id, change.user_id):
                    pass
                if self._registry.restriction(group_id, change.user_id) is None:
                    continue
            try:
                await self._recheck_member(group_id, change.user_id)
            except Exception:  # one group's failure must not spare the others
                log.exception("recheck_failed", group_id=group_id, user_id=change.user_id)

    async def _recheck_member(
        self, group_id: ChatId, user_id: UserId, *, name: str | None = None
    ) -> bool:
        """Re-evaluate one member of one group; True if the bot now has them muted."""
        rules = self._registry.rules.get(group_id)
        if rules is None:
            return False
        muted_by_bot = self._registry.restriction(group_id, user_id) is not None
        if not muted_by_bot and rules.enforced:
            if self._registry.is_admin(group_id, user_id):
                return False
            try:
                standing = await self._gateway.standing(group_id, user_id)
            except (ChatUnreachable, UserUnreachable):
                return False
            if standing.is_admin:
                self._registry.set_admin(group_id, user_id, True)
                return False
            if not restrictable(standing, self._enforcer.in_discussion_group(group_id)):
                return False
        verdicts = await self._membership.verdicts(
            policy.needs_check(rules), user_id, fresh=muted_by_bot
        )
        rules = self._registry.rules.get(group_id, rules)
        actions = policy.on_recheck(rules, user_id, verdicts, muted_by_bot=muted_by_bot)
        await self._enforcer.apply(actions, name=name)
        return self._registry.restriction(group_id, user_id) is not None

    async def release_all(self, group_id: ChatId) -> int:
        released = 0
        if not self._acting(group_id):
            return 0  # done by the re-check when the bot is an admin there again
        for restriction in self._registry.restrictions_in(group_id):
            try:
                released += await self._enforcer.release(group_id, restriction.user_id)
            except FloodWaited as error:
                self._enforcer.postpone(
                    (Release(group_id, restriction.user_id),), error.seconds, None
                )
            except Exception:  # one member's failure must not strand the others
                log.exception("release_failed", group_id=group_id, user_id=restriction.user_id)
                self._enforcer.postpone(
                    (Release(group_id, restriction.user_id),), RETRY_AFTER_FAILURE, None
                )
        return released

    async def recheck_muted(self, group_id: ChatId, channel_id: ChatId | None = None) -> None:
        """Release whoever the bot muted here and now meets the requirements (fresh checks).

        Only those muted for `channel_id`, if given.
        """
        if not self._acting(group_id):
            return
        for restriction in self._registry.restrictions_in(group_id):
            if channel_id is not None and channel_id not in restriction.missing:
                continue
            try:
                await self._recheck_member(group_id, restriction.user_id)
            except Exception:  # one member's failure must not strand the others
                log.exception("recheck_failed", group_id=group_id, user_id=restriction.user_id)

    async def retry_postponed(self) -> None:
        """Postponed work whose flood wait is over. A mute is decided afresh, not replayed."""
        for batch, name in self._enforcer.take_due():
            first = batch[0]
            try:
                if isinstance(first, Mute):
                    if await self._recheck_member(first.group_id, first.user_id, name=name):
                        deletes = [a for a in batch if isinstance(a, DeleteMessage)]
                        await self._enforcer.apply(deletes)
                else:
                    await self._enforcer.apply(batch, name=name)
            except FloodWaited as error:
                self._enforcer.postpone(batch, error.seconds, name)
            except Exception:
                log.exception("postponed_failed", action=repr(first))
                self._enforcer.postpone(batch, RETRY_AFTER_FAILURE, name)

    def _acting(self, group_id: ChatId) -> bool:
        rules = self._registry.rules.get(group_id)
        return rules is None or rules.acting

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

    async def on_verify(self, group_id: ChatId, presser_id: UserId, data: bytes | None) -> Answer:
        """The "I have joined" button: checks whoever pressed it, never the notice's subject."""
        request = decode_verify(data)
        if request is None:
            return Answer("This button is not one of mine, or it has expired.")
        key = (group_id, presser_id)
        now = self._clock.now()
        if now - self._last_verify.get(key, float("-inf")) < VERIFY_INTERVAL:
            return Answer("Please wait a few seconds before pressing again.")
        self._last_verify[key] = now
        if self._registry.restriction(group_id, presser_id) is None:
            if request.user_id not in (presser_id, 0):
                return Answer("This button is for someone else. You can write here already. 🙂")
            return Answer("You are not muted here: you can write already. 🙂")
        rules = self._registry.rules.get(group_id)
        if rules is None:
            return Answer("This group is not protected any more.")
        if not rules.acting:
            return Answer(
                "I am not an admin here any more, so I cannot unmute anyone; the group's "
                "admins have been told.",
                alert=True,
            )
        try:
            still_muted = await self._recheck_member(group_id, presser_id)
        except (FloodWaited, ChatUnreachable, UserUnreachable):
            return Answer("Telegram is busy right now: please press again in a minute.")
        if not still_muted:
            self._registry.verified[group_id].add(presser_id)
            return Answer("Welcome! Thanks for joining: you can write now. 🎉")
        rules = self._registry.rules.get(group_id, rules)
        verdicts = await self._membership.verdicts(policy.needs_check(rules), presser_id)
        missing = policy.missing_links(rules, verdicts)
        if not missing:
            return Answer("Thanks, you have joined everything: I will unmute you within a minute.")
        words = "Not yet: please join {}, then press again."
        budget = CALLBACK_ANSWER_MAX - length(words.format(""))
        names = listing([link.channel.label for link in missing], budget)
        return Answer(words.format(names), alert=True)
