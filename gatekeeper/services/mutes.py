"""Muting and releasing one member, with the safety rules that need Telegram's word."""

from __future__ import annotations

import asyncio
from enum import Enum
from weakref import WeakValueDictionary

import structlog

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.clock import Clock
from gatekeeper.domain import policy
from gatekeeper.domain.actions import Mute, Warn
from gatekeeper.domain.model import Restriction
from gatekeeper.domain.rights import current, muted
from gatekeeper.domain.safety import MuteCall, judge_mute, may_lift
from gatekeeper.domain.standing import Standing
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.notices import Notices
from gatekeeper.services.ports import Telegram, UserUnreachable
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

GONE_TTL = 60.0  # how long "no longer in the group" is believed without asking again


class MuteOutcome(Enum):
    MUTED = "muted"
    ALREADY = "already"  # the bot has them muted already
    SPARED = "spared"  # an admin, a bot, or a member who just qualified: their message stays
    UNREACHABLE = "unreachable"  # Telegram will not let the bot act on them: nothing is muted
    GONE = "gone"  # no longer in the group: nothing to mute, the message still goes
    NOT_OURS = "not_ours"  # already restricted by an admin: left alone
    POSTPONED = "postponed"  # Telegram made the mute wait; the author is not an admin
    UNSURE = "unsure"  # Telegram made the check of the author wait: nothing is done yet
    WARNED = "warned"  # delete-only: told, not muted (the author is no admin)


class Mutes:
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        notices: Notices,
        clock: Clock,
        metrics: Metrics,
        cache: MembershipCache,
    ) -> None:
        self._cache = cache
        self._gateway = gateway
        self.bot_id = 0
        self._registry = registry
        self._notices = notices
        self._clock = clock
        self._metrics = metrics
        self._locks: WeakValueDictionary[tuple[int, int], asyncio.Lock] = WeakValueDictionary()
        self._gone: dict[tuple[int, int], float] = {}  # (group, user) -> when seen gone

    def lock(self, group_id: int, user_id: int) -> asyncio.Lock:
        """One member of one group is muted or released by one task at a time."""
        lock = self._locks.get((group_id, user_id))
        if lock is None:
            lock = self._locks[(group_id, user_id)] = asyncio.Lock()
        return lock

    async def mute(self, action: Mute) -> MuteOutcome:
        async with self.lock(action.group_id, action.user_id):
            return await self._mute(action)

    async def _warn(self, action: Warn) -> MuteOutcome:
        """Delete-only: the author is told (and their message goes) unless they may write."""
        judged = await self._judge(action)
        if isinstance(judged, MuteOutcome):
            return judged
        if action.strike:
            note = self._registry.note(action.group_id, action.user_id)
            counted = note.with_strike(action.message_id)
            if counted != note:
                await self._registry.save_note(counted)
        self._metrics.decision("warn")
        return MuteOutcome.WARNED

    async def _judge(self, action: Mute | Warn) -> MuteOutcome | Standing:
        """The author's standing if they may be muted (or warned), else why not."""
        group_id, user_id = action.group_id, action.user_id
        if self._satisfied(action):
            return MuteOutcome.SPARED  # they joined while the decision was being made
        if self._clock.now() - self._gone.get((group_id, user_id), float("-inf")) < GONE_TTL:
            return MuteOutcome.GONE
        try:
            standing = await self._registry.listed.standing(group_id, user_id, self._gateway)
        except UserUnreachable:
            return MuteOutcome.UNREACHABLE
        call = judge_mute(
            standing, self._clock.now(), discussion_group=self.in_discussion_group(group_id)
        )
        if call is MuteCall.SPARE_ADMIN:
            self._registry.set_admin(group_id, user_id, True)
        if call is MuteCall.GONE:
            self._gone[(group_id, user_id)] = self._clock.now()
        return standing if call is MuteCall.MUTE else _OUTCOMES[call]

    async def _mute(self, action: Mute) -> MuteOutcome:
        """Mute a member, unless the policy spares them where they stand now."""
        group_id, user_id = action.group_id, action.user_id
        if self._registry.restriction(group_id, user_id) is not None:
            return MuteOutcome.ALREADY
        standing = await self._judge(action)
        if isinstance(standing, MuteOutcome):
            return standing
        previous = current(standing.rights, self._clock.now())
        # Recorded first: a mute the bot could not record would be one it never lifts.
        restriction = Restriction(group_id, user_id, previous, self._clock.now(), action.missing)
        await self._registry.add_restriction(restriction, access_hash=standing.access_hash)
        try:
            restricted = await self._gateway.restrict(group_id, user_id, muted(previous))
        except UserUnreachable:
            await self._registry.drop_restriction(group_id, user_id)
            return MuteOutcome.UNREACHABLE  # not an admin: Telegram cannot act on them at all
        except BaseException:
            await self._registry.drop_restriction(group_id, user_id)
            raise
        if not restricted:  # USER_ADMIN_INVALID: promoted since the standing was read
            await self._registry.drop_restriction(group_id, user_id)
            self._registry.set_admin(group_id, user_id, True)
            return MuteOutcome.SPARED
        await self._registry.storage.audit.record(
            "mute",
            at=self._clock.now(),
            group_id=group_id,
            user_id=user_id,
            detail={"missing": list(action.missing)},
        )
        self._metrics.decision("mute")
        log.info("muted", group_id=group_id, user_id=user_id, missing=action.missing)
        return MuteOutcome.MUTED

    def in_discussion_group(self, group_id: int) -> bool:
        rules = self._registry.rules.get(group_id)
        return rules is not None and rules.linked_channel_id is not None

    def forget_old(self) -> None:
        now = self._clock.now()
        for key in [k for k, at in self._gone.items() if now - at >= GONE_TTL]:
            del self._gone[key]

    def _satisfied(self, action: Mute | Warn) -> bool:
        verdicts = {c: self._cache.peek(c, action.user_id) for c in action.missing}
        known = {c: v for c, v in verdicts.items() if v is not None}
        rules = self._registry.rules.get(action.group_id)
        return policy.joined_meanwhile(rules, action.missing, known)

    async def release(self, group_id: int, user_id: int) -> bool:
        """Lift a mute the bot imposed, restoring the member's previous rights exactly."""
        async with self.lock(group_id, user_id):
            return await self._release(group_id, user_id)

    async def _release(self, group_id: int, user_id: int) -> bool:
        restriction = self._registry.restriction(group_id, user_id)
        if restriction is None:
            return False
        standing = await self._gateway.standing(group_id, user_id)
        if may_lift(standing, self.bot_id):
            previous = current(restriction.previous, self._clock.now())
            await self._gateway.restrict(group_id, user_id, previous)
            outcome = "release"
        else:
            # Someone else changed their rights: that decision stands.
            outcome = "release_taken_over"
        # The notice's removal is kept before the mute's record goes: it cannot be forgotten.
        await self._notices.forget_waiting(group_id, user_id)
        await self._notices.remove(group_id, restriction.notice_message_id)
        await self._registry.drop_restriction(group_id, user_id)
        if self._registry.strikes(group_id, user_id):
            await self._registry.set_strikes(group_id, user_id, 0)  # warned afresh next time
        await self._registry.storage.audit.record(
            outcome, at=self._clock.now(), group_id=group_id, user_id=user_id
        )
        self._metrics.decision(outcome)
        log.info(outcome, group_id=group_id, user_id=user_id)
        return outcome == "release"


_OUTCOMES = {
    MuteCall.SPARE_ADMIN: MuteOutcome.SPARED,
    MuteCall.SPARE_BOT: MuteOutcome.SPARED,
    MuteCall.GONE: MuteOutcome.GONE,
    MuteCall.NOT_OURS: MuteOutcome.NOT_OURS,
}
