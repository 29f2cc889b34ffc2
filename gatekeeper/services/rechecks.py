"""Looking at members again: one member now, a group's muted members, everyone the bot
muted in a group (released), those an update was about when it met the database away, and
postponed work once its wait is over."""

from __future__ import annotations

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import policy
from gatekeeper.domain.actions import DeleteMessage, Mute, Recheck, Work
from gatekeeper.domain.model import ChatId, GroupRules, UserId, Verdict
from gatekeeper.domain.safety import MuteCall, judge_mute
from gatekeeper.services.enforcer import RETRY_AFTER_FAILURE, Enforcer
from gatekeeper.services.membership import Membership
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram, UserUnreachable
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)


class Rechecks:
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        membership: Membership,
        enforcer: Enforcer,
        clock: Clock,
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._membership = membership
        self._enforcer = enforcer
        self._clock = clock

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
