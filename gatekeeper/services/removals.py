"""`/settings kick 24h`: members the bot has kept muted that long are removed, free to come back.

A removal is Telegram's kick: a ban (view_messages) then its lifting. Lifting it to the rights
the member had before the bot's mute, rather than to none, keeps an admin's earlier
restriction for if they come back (TELEGRAM.md: a kick has side effects on existing bans).
Only members the bot muted, and whom Telegram still names the bot as having restricted.
"""

from __future__ import annotations

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import policy
from gatekeeper.domain.model import BannedRights, Restriction
from gatekeeper.domain.rights import current
from gatekeeper.domain.safety import may_lift
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.enforcer import Enforcer
from gatekeeper.services.notices import Notices
from gatekeeper.services.ports import FloodWaited, Telegram
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

BANNED = BannedRights(frozenset({"view_messages"}))


class Removals:
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        enforcer: Enforcer,
        notices: Notices,
        clock: Clock,
        metrics: Metrics,
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._enforcer = enforcer
        self._notices = notices
        self._clock = clock
        self._metrics = metrics

    async def sweep(self) -> int:
        """Remove every member due; a flood wait leaves the rest for a later sweep."""
        now = self._clock.now()
        due = [
            r
            for r in list(self._registry.restrictions.values())
            if policy.due_for_removal(self._registry.rules.get(r.group_id), r, now)
        ]
        removed = 0
        for restriction in due:
            try:
                removed += await self._remove(restriction)
            except FloodWaited as error:
                log.warning("removal_postponed", members=len(due) - removed, reason=str(error))
                break
            except Exception as error:  # one member's failure must not strand the others
                log.warning(
                    "removal_failed",
                    group_id=restriction.group_id,
                    user_id=restriction.user_id,
                    reason=repr(error),
                )
        return removed

    async def _remove(self, due: Restriction) -> bool:
        group_id, user_id = due.group_id, due.user_id
        async with self._enforcer.lock(group_id, user_id):
            if self._registry.restriction(group_id, user_id) != due:
                return False  # released or changed meanwhile
            standing = await self._gateway.standing(group_id, user_id)
            if not may_lift(standing, self._enforcer.bot_id):
                outcome = "release_taken_over"  # an admin's decision now: left alone
            else:
                await self._gateway.restrict(group_id, user_id, BANNED)
                await self._gateway.restrict(
                    group_id, user_id, current(due.previous, self._clock.now())
                )
                outcome = "kick"
            await self._registry.drop_restriction(group_id, user_id)
        await self._notices.forget_waiting(group_id, user_id)
        await self._notices.remove(group_id, due.notice_message_id)
        detail = {"muted_for": round(self._clock.now() - due.imposed_at)}
        await self._registry.storage.audit.record(
            outcome, at=self._clock.now(), group_id=group_id, user_id=user_id, detail=detail
        )
        self._metrics.decision(outcome)
        log.info(outcome, group_id=group_id, user_id=user_id)
        return outcome == "kick"
