"""AuditLog: an append-only trail of what the bot did, and why, per group."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select

from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import AuditRow


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: float  # unix seconds
    action: str
    group_id: ChatId | None = None
    user_id: UserId | None = None
    detail: Mapping[str, object] = field(default_factory=dict, hash=False)


Listener = Callable[[AuditEntry], None]


class AuditLog:
    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope
        # Told of each entry once it is stored (the log channel turns them into lines).
        self.listeners: list[Listener] = []

    async def record(
        self,
        action: str,
        *,
        at: float,
        group_id: ChatId | None = None,
        user_id: UserId | None = None,
        detail: Mapping[str, object] | None = None,
    ) -> None:
        """Append an entry; `detail` must be JSON-serialisable."""
        row = AuditRow(
            bot_id=self._scope.bot_id,
            at=at,
            group_id=group_id,
            user_id=user_id,
            action=action,
            detail=dict(detail or {}),
        )
        async with self._sessions.begin() as session:
            session.add(row)
        entry = AuditEntry(row.id, at, action, group_id, user_id, row.detail)
        for listener in self.listeners:
            listener(entry)

    async def members_since(
        self, group_id: ChatId, actions: Collection[str], since: float
    ) -> dict[str, int]:
        """How many different members each of `actions` was recorded for since `since`."""
        query = (
            select(AuditRow.action, func.count(AuditRow.user_id.distinct()))
            .where(
                AuditRow.bot_id == self._scope.bot_id,
                AuditRow.group_id == group_id,
                AuditRow.action.in_(list(actions)),
                AuditRow.at >= since,
            )
            .group_by(AuditRow.action)
        )
        async with self._sessions() as session:
            return {action: int(n) for action, n in (await session.execute(query)).all()}

    async def recent(self, group_id: ChatId, limit: int = 50) -> list[AuditEntry]:
        """The group's latest `limit` entries, newest first."""
        query = (
            select(AuditRow)
            .where(AuditRow.bot_id == self._scope.bot_id, AuditRow.group_id == group_id)
            .order_by(AuditRow.at.desc(), AuditRow.id.desc())
            .limit(limit)
        )
        async with self._sessions() as session:
            rows = await session.scalars(query)
            return [
                AuditEntry(
                    id=row.id,
                    at=row.at,
                    action=row.action,
                    group_id=row.group_id,
                    user_id=row.user_id,
                    detail=row.detail,
                )
                for row in rows
            ]

    async def counts(self, group_id: ChatId) -> dict[str, int]:
        """How many entries the group has, by action."""
        query = (
            select(AuditRow.action, func.count())
            .where(AuditRow.bot_id == self._scope.bot_id, AuditRow.group_id == group_id)
            .group_by(AuditRow.action)
        )
        async with self._sessions() as session:
            return {action: int(n) for action, n in (await session.execute(query)).all()}
