"""Observe mode's tally: each member the bot would have muted or warned, once a day, in the
audit trail (so /status and the log channel can say it, and a restart loses nothing)."""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.clock import Clock
from gatekeeper.domain.actions import Action
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.domain.observe import DAY, WOULD_MUTE, WOULD_WARN, day_of, would_have
from gatekeeper.storage import AuditLog


class Observer:
    def __init__(self, audit: AuditLog, clock: Clock) -> None:
        self._audit = audit
        self._clock = clock
        self._day = day_of(clock.now())
        self._seen: set[tuple[str, ChatId, UserId]] = set()  # today's, recorded already

    async def saw(self, actions: Sequence[Action]) -> None:
        """Record what the bot would have done (a member counted once a day)."""
        now = self._clock.now()
        if day_of(now) != self._day:
            self._day, self._seen = day_of(now), set()
        for would in would_have(actions):
            key = (would.kind, would.group_id, would.user_id)
            if key in self._seen:
                continue
            self._seen.add(key)
            await self._audit.record(
                would.kind,
                at=now,
                group_id=would.group_id,
                user_id=would.user_id,
                detail={"missing": list(would.missing)},
            )

    async def today(self, group_id: ChatId) -> tuple[int, int]:
        """Members the bot would have muted, and warned, in the group today (UTC)."""
        since = day_of(self._clock.now()) * DAY
        counts = await self._audit.members_since(group_id, (WOULD_MUTE, WOULD_WARN), since)
        return counts.get(WOULD_MUTE, 0), counts.get(WOULD_WARN, 0)
