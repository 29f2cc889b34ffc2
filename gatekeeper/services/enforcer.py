"""Carrying out the policy's actions, with the safety rules that need Telegram's word."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from enum import Enum
from weakref import WeakValueDictionary

import structlog

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.clock import Clock
from gatekeeper.domain.actions import Action, DeleteMessage, Mute, SendNotice
from gatekeeper.domain.model import BannedRights, Restriction, Verdict
from gatekeeper.domain.rights import is_muted, muted
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.notices import Notices
from gatekeeper.services.registry import Registry
from gatekeeper.telegram.gateway import ChatUnreachable, FloodWaited, Gateway, UserUnreachable
from gatekeeper.telegram.participants import Standing

log = structlog.get_logger(__name__)

UNTIL_MARGIN = 30  # Telegram reads an until_date closer than this as "forever"
GONE_TTL = 60.0  # how long "no longer in the group" is believed without asking again


def restrictable(standing: Standing, discussion_group: bool) -> bool:
    """Whether a mute can bind this user: a member, or, in a channel's discussion group, a
    non-member who comments on its posts (Telegram restricts non-members too)."""
    guest = discussion_group and "view_messages" not in standing.rights.flags
    return standing.is_member or guest


class MuteOutcome(Enum):
    MUTED = "muted"
    ALREADY = "already"  # the bot has them muted already
    SPARED = "spared"  # an admin, a bot, or a member who just qualified: their message stays
    GONE = "gone"  # no longer in the group: nothing to mute, the message still goes
    NOT_OURS = "not_ours"  # already restricted by an admin: left alone
    POSTPONED = "postponed"  # Telegram made the mute wait; the author is not an admin
    UNSURE = "unsure"  # Telegram made the check of the author wait: nothing is done yet


class Enforcer:
    def __init__(
        self,
        gateway: Gateway,
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
        self._later: list[tuple[float, tuple[Action, ...], str | None]] = []
        self._locks: WeakValueDictionary[tuple[int, int], asyncio.Lock] = WeakValueDictionary()
        self._gone: dict[tuple[int, int], float] = {}  # (group, user) -> when seen gone

    def lock(self, group_id: int, user_id: int) -> asyncio.Lock:
        """One member of one group is muted or released by one task at a time."""
        lock = self._locks.get((group_id, user_id))
        if lock is None:
            lock = self._locks[(group_id, user_id)] = asyncio.Lock()
        return lock

    async def apply(
        self,
        actions: Sequence[Action],
        *,
        name: str | None = None,
        reply_to: int | None = None,
    ) -> None:
        """Carry out actions; `reply_to` threads the notice (under a discussion group's post).

        Nothing is attempted in a group where the bot was demoted or removed."""
        outcomes: dict[tuple[int, int], MuteOutcome] = {}
        for action in actions:
            if not self._acting(action.group_id):
                self._metrics.decision("skipped_unguarded")
                continue
            try:
                await self._apply_one(action, outcomes, name, reply_to)
            except FloodWaited as error:
                self._postpone_on_flood(action, actions, outcomes, error, name)
            except (ChatUnreachable, UserUnreachable) as error:
                log.warning("action_failed", action=repr(action), reason=str(error))
                self._metrics.decision("failed")

    def _postpone_on_flood(
        self,
        action: Action,
        actions: Sequence[Action],
        outcomes: dict[tuple[int, int], MuteOutcome],
        error: FloodWaited,
        name: str | None,
    ) -> None:
        """Telegram asks us to slow down: do it again once the wait is over."""
        batch: list[Action] = [action]
        if isinstance(action, Mute):
            key = (action.group_id, action.user_id)
            # Waiting on the author's standing means we do not know yet whether they are an
            # admin: their message waits too. Waiting on the mute itself, it can go now.
            author_known = error.method == "EditBanned"
            outcomes[key] = MuteOutcome.POSTPONED if author_known else MuteOutcome.UNSURE
            batch += [
                a
                for a in actions
                if (isinstance(a, SendNotice) and (a.group_id, a.user_id) == key)
                or (
                    not author_known
                    and isinstance(a, DeleteMessage)
                    and (a.group_id, a.author_id) == key
                )
            ]
        self.postpone(tuple(batch), error.seconds, name)
        log.warning("action_postponed", action=repr(action), seconds=error.seconds)

    def postpone(self, batch: tuple[Action, ...], seconds: float, name: str | None) -> None:
        self._later.append((self._clock.now() + seconds, batch, name))
        self._metrics.decision("postponed")

    def take_due(self) -> list[tuple[tuple[Action, ...], str | None]]:
        """The postponed batches whose wait is over, removed from the queue."""
        now = self._clock.now()
        due = [(batch, name) for at, batch, name in self._later if at <= now]
        self._later = [item for item in self._later if item[0] > now]
        return due

    async def _apply_one(
        self,
        action: Action,
        outcomes: dict[tuple[int, int], MuteOutcome],
        name: str | None,
        reply_to: int | None = None,
    ) -> None:
        if isinstance(action, Mute):
            outcomes[(action.group_id, action.user_id)] = await self.mute(action)
        elif isinstance(action, DeleteMessage):
            author = outcomes.get((action.group_id, action.author_id or 0))
            if author not in (MuteOutcome.SPARED, MuteOutcome.UNSURE):
                await self._gateway.delete(action.group_id, [action.message_id])
                self._metrics.decision("delete")
        elif isinstance(action, SendNotice):
            key = (action.group_id, action.user_id)
            mute = outcomes.get(key)
            # A notice retried on its own (its send was flood-waited) goes if the mute stands.
            if mute is MuteOutcome.MUTED or (mute is None and self._registry.restriction(*key)):
                await self._notice(action, name, reply_to)
        else:
            await self.release(action.group_id, action.user_id)

    async def mute(self, action: Mute) -> MuteOutcome:
        async with self.lock(action.group_id, action.user_id):
            return await self._mute(action)

    async def _mute(self, action: Mute) -> MuteOutcome:
        """Mute a member, unless they are an admin, a bot, gone, or already muted by anyone."""
        group_id, user_id = action.group_id, action.user_id
        if self._registry.restriction(group_id, user_id) is not None:
            return MuteOutcome.ALREADY
        if self._satisfied(action):
            return MuteOutcome.SPARED  # they joined while the decision was being made
        if self._clock.now() - self._gone.get((group_id, user_id), float("-inf")) < GONE_TTL:
            return MuteOutcome.GONE
        standing = await self._gateway.standing(group_id, user_id)
        if standing.is_admin:
            self._registry.set_admin(group_id, user_id, True)
            return MuteOutcome.SPARED
        if standing.is_bot:
            return MuteOutcome.SPARED
        if not restrictable(standing, self.in_discussion_group(group_id)):
            self._gone[(group_id, user_id)] = self._clock.now()
            return MuteOutcome.GONE
        previous = self._current(standing.rights)
        if is_muted(previous):
            return MuteOutcome.NOT_OURS
        # Recorded first: a mute the bot could not record would be one it never lifts.
        restriction = Restriction(group_id, user_id, previous, self._clock.now(), action.missing)
        await self._registry.add_restriction(restriction)
        try:
            restricted = await self._gateway.restrict(group_id, user_id, muted(previous))
        except BaseException:
            await self._registry.drop_restriction(group_id, user_id)
            raise
        if not restricted:
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

    def _acting(self, group_id: int) -> bool:
        rules = self._registry.rules.get(group_id)
        return rules is None or rules.acting

    def in_discussion_group(self, group_id: int) -> bool:
        rules = self._registry.rules.get(group_id)
        return rules is not None and rules.linked_channel_id is not None

    def forget_old(self) -> None:
        now = self._clock.now()
        for key in [k for k, at in self._gone.items() if now - at >= GONE_TTL]:
            del self._gone[key]

    def _satisfied(self, action: Mute) -> bool:
        return bool(action.missing) and all(
            self._cache.peek(channel_id, action.user_id) is Verdict.MEMBER
            for channel_id in action.missing
        )

    def _current(self, rights: BannedRights) -> BannedRights:
        """Rights as they will stand from now on: a restriction about to expire is none."""
        if rights.until is not None and rights.until <= self._clock.now() + UNTIL_MARGIN:
            return BannedRights()
        return rights

    async def release(self, group_id: int, user_id: int) -> bool:
        """Lift a mute the bot imposed, restoring the member's previous rights exactly."""
        async with self.lock(group_id, user_id):
            return await self._release(group_id, user_id)

    async def _release(self, group_id: int, user_id: int) -> bool:
        restriction = self._registry.restriction(group_id, user_id)
        if restriction is None:
            return False
        standing = await self._gateway.standing(group_id, user_id)
        # Telegram names who set a restriction: lift it only if that is still the bot.
        if standing.restricted_by == self.bot_id and "view_messages" not in standing.rights.flags:
            await self._gateway.restrict(group_id, user_id, self._current(restriction.previous))
            outcome = "release"
        else:
            # Someone else changed their rights: that decision stands.
            outcome = "release_taken_over"
        await self._registry.drop_restriction(group_id, user_id)
        self._notices.forget_waiting(group_id, user_id)
        await self._notices.remove(group_id, restriction.notice_message_id)
        await self._registry.storage.audit.record(
            outcome, at=self._clock.now(), group_id=group_id, user_id=user_id
        )
        self._metrics.decision(outcome)
        log.info(outcome, group_id=group_id, user_id=user_id)
        return outcome == "release"

    async def _notice(self, action: SendNotice, name: str | None, reply_to: int | None) -> None:
        rules = self._registry.rules.get(action.group_id)
        ttl = rules.settings.notice_ttl if rules else 120
        message_id = await self._notices.post(
            action.group_id, action.user_id, name, action.channels, ttl, reply_to=reply_to
        )
        if message_id is not None:
            await self._registry.set_notice(action.group_id, action.user_id, message_id)
