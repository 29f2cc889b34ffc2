"""Carrying out the policy's actions, with the safety rules that need Telegram's word."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from weakref import WeakValueDictionary

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.actions import Action, DeleteMessage, Mute, Release, SendNotice
from gatekeeper.domain.model import Restriction
from gatekeeper.domain.rights import is_muted, muted
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.notices import Notices
from gatekeeper.services.registry import Registry
from gatekeeper.telegram.gateway import ChatUnreachable, FloodWaited, Gateway

log = structlog.get_logger(__name__)


class Enforcer:
    def __init__(
        self,
        gateway: Gateway,
        registry: Registry,
        notices: Notices,
        clock: Clock,
        metrics: Metrics,
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._notices = notices
        self._clock = clock
        self._metrics = metrics
        self._later: list[tuple[float, tuple[Action, ...], str | None]] = []
        self._locks: WeakValueDictionary[tuple[int, int], asyncio.Lock] = WeakValueDictionary()

    def _lock(self, group_id: int, user_id: int) -> asyncio.Lock:
        lock = self._locks.get((group_id, user_id))
        if lock is None:
            lock = self._locks[(group_id, user_id)] = asyncio.Lock()
        return lock

    async def apply(self, actions: Sequence[Action], *, name: str | None = None) -> None:
        muted_now: set[tuple[int, int]] = set()
        for action in actions:
            try:
                if isinstance(action, DeleteMessage):
                    await self._gateway.delete(action.group_id, [action.message_id])
                    self._metrics.decision("delete")
                elif isinstance(action, Mute):
                    if await self.mute(action):
                        muted_now.add((action.group_id, action.user_id))
                elif isinstance(action, SendNotice):
                    if (action.group_id, action.user_id) in muted_now:
                        await self._notice(action, name)
                elif isinstance(action, Release):
                    await self.release(action.group_id, action.user_id)
            except FloodWaited as error:
                # Telegram asks us to slow down: try again once the wait is over.
                batch: list[Action] = [action]
                if isinstance(action, Mute):
                    batch += [a for a in actions if isinstance(a, SendNotice) and _same(a, action)]
                self._later.append((self._clock.now() + error.seconds, tuple(batch), name))
                log.warning("action_postponed", action=repr(action), seconds=error.seconds)
                self._metrics.decision("postponed")
            except ChatUnreachable as error:
                log.warning("action_failed", action=repr(action), reason=str(error))
                self._metrics.decision("failed")

    async def retry_due(self) -> int:
        """Carry out the actions postponed by flood waits whose wait is over; how many."""
        now = self._clock.now()
        due = [item for item in self._later if item[0] <= now]
        self._later = [item for item in self._later if item[0] > now]
        for _, batch, name in due:
            await self.apply(batch, name=name)
        return len(due)

    async def mute(self, action: Mute) -> bool:
        """Mute a member, unless they are an admin, gone, or already muted by anyone."""
        async with self._lock(action.group_id, action.user_id):
            return await self._mute(action)

    async def _mute(self, action: Mute) -> bool:
        group_id, user_id = action.group_id, action.user_id
        if self._registry.restriction(group_id, user_id) is not None:
            return False
        standing = await self._gateway.standing(group_id, user_id)
        if not standing.is_member or standing.is_admin:
            if standing.is_admin:
                self._registry.set_admin(group_id, user_id, True)
            return False
        if is_muted(standing.rights):
            return False  # restricted by an admin: not ours to touch
        if not await self._gateway.restrict(group_id, user_id, muted(standing.rights)):
            self._registry.set_admin(group_id, user_id, True)
            return False
        restriction = Restriction(
            group_id, user_id, standing.rights, self._clock.now(), action.missing
        )
        await self._registry.add_restriction(restriction)
        await self._registry.storage.audit.record(
            "mute",
            at=self._clock.now(),
            group_id=group_id,
            user_id=user_id,
            detail={"missing": list(action.missing)},
        )
        self._metrics.decision("mute")
        log.info("muted", group_id=group_id, user_id=user_id, missing=action.missing)
        return True

    async def release(self, group_id: int, user_id: int) -> bool:
        """Lift a mute the bot imposed, restoring the member's previous rights exactly."""
        async with self._lock(group_id, user_id):
            return await self._release(group_id, user_id)

    async def _release(self, group_id: int, user_id: int) -> bool:
        restriction = self._registry.restriction(group_id, user_id)
        if restriction is None:
            return False
        await self._gateway.restrict(group_id, user_id, restriction.previous)
        await self._registry.drop_restriction(group_id, user_id)
        self._notices.forget_waiting(group_id, user_id)
        await self._notices.remove(group_id, restriction.notice_message_id)
        await self._registry.storage.audit.record(
            "release", at=self._clock.now(), group_id=group_id, user_id=user_id
        )
        self._metrics.decision("release")
        log.info("released", group_id=group_id, user_id=user_id)
        return True

    async def _notice(self, action: SendNotice, name: str | None) -> None:
        rules = self._registry.rules.get(action.group_id)
        ttl = rules.settings.notice_ttl if rules else 120
        message_id = await self._notices.post(
            action.group_id, action.user_id, name, action.channels, ttl
        )
        if message_id is not None:
            await self._registry.set_notice(action.group_id, action.user_id, message_id)


def _same(notice: SendNotice, mute: Mute) -> bool:
    return (notice.group_id, notice.user_id) == (mute.group_id, mute.user_id)
