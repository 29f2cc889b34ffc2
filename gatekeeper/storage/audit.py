"""AuditLog: an append-only trail of what the bot did, and why, per group."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.storage.tables import AuditRow


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

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
            at=at, group_id=group_id, user_id=user_id, action=action, detail=dict(detail or {})
        )
        async with self._sessions.begin() as session:
            session.add(row)
