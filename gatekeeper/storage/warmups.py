"""WarmupStore: each group's warm-up progress and the members its listing showed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.domain.warmup import WarmupProgress, as_record, from_record
from gatekeeper.storage._sql import affected, insert_or_ignore, upsert
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import WarmupMemberRow, WarmupRow

ROWS_PER_STATEMENT = 500  # members inserted per statement (SQLite allows 32,766 parameters)


@dataclass(frozen=True, slots=True)
class ListedMember:
    user_id: UserId
    kind: str  # member, admin, bot or restricted
    access_hash: int | None = None


class WarmupStore:
    """This bot's warm-ups (see `BotScope`)."""

    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def save(self, progress: WarmupProgress) -> None:
        values = {"bot_id": self._scope.bot_id, **as_record(progress)}
        async with self._sessions.begin() as session:
            await session.execute(upsert(session, WarmupRow, values, key=("bot_id", "group_id")))

    async def get(self, group_id: ChatId) -> WarmupProgress | None:
        async with self._sessions() as session:
            row = await session.get(WarmupRow, (self._scope.bot_id, group_id))
            return _progress(row) if row is not None else None

    async def all(self) -> list[WarmupProgress]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(WarmupRow).where(WarmupRow.bot_id == self._scope.bot_id)
            )
            return [_progress(row) for row in rows]

    async def add_members(self, group_id: ChatId, members: Sequence[ListedMember]) -> int:
        """Record listed members (each once, however many listings show them); how many of
        them are new."""
        bot = self._scope.bot_id
        async with self._sessions.begin() as session:
            before = await self._count(session, group_id)
            for start in range(0, len(members), ROWS_PER_STATEMENT):
                rows = [
                    {
                        "bot_id": bot,
                        "group_id": group_id,
                        "user_id": m.user_id,
                        "kind": m.kind,
                        "access_hash": m.access_hash,
                    }
                    for m in members[start : start + ROWS_PER_STATEMENT]
                ]
                await session.execute(
                    insert_or_ignore(session, WarmupMemberRow, rows, key=_MEMBER_KEY)
                )
            added = await self._count(session, group_id) - before
        return added

    async def members(
        self, group_id: ChatId, after: UserId = 0, limit: int | None = None
    ) -> list[ListedMember]:
        """Listed members by id, those with an id above `after` (a batch of `limit`)."""
        query = (
            select(WarmupMemberRow)
            .where(
                WarmupMemberRow.bot_id == self._scope.bot_id,
                WarmupMemberRow.group_id == group_id,
                WarmupMemberRow.user_id > after,
            )
            .order_by(WarmupMemberRow.user_id)
            .limit(limit)
        )
        async with self._sessions() as session:
            rows = await session.scalars(query)
            return [ListedMember(r.user_id, r.kind, r.access_hash) for r in rows]

    async def member_ids(self, group_id: ChatId, after: UserId = 0) -> list[UserId]:
        """The ids of the listed members above `after` (those a warm-up has yet to check)."""
        query = select(WarmupMemberRow.user_id).where(
            WarmupMemberRow.bot_id == self._scope.bot_id,
            WarmupMemberRow.group_id == group_id,
            WarmupMemberRow.user_id > after,
        )
        async with self._sessions() as session:
            return [int(user_id) for user_id in await session.scalars(query)]

    async def forget_members(self, group_id: ChatId) -> int:
        """A new warm-up lists the group afresh (or an old listing is let go): how many went."""
        async with self._sessions.begin() as session:
            return await affected(
                session,
                delete(WarmupMemberRow).where(
                    WarmupMemberRow.bot_id == self._scope.bot_id,
                    WarmupMemberRow.group_id == group_id,
                ),
            )

    async def _count(self, session: AsyncSession, group_id: ChatId) -> int:
        found = await session.scalar(
            select(func.count()).where(
                WarmupMemberRow.bot_id == self._scope.bot_id,
                WarmupMemberRow.group_id == group_id,
            )
        )
        return int(found or 0)


_MEMBER_KEY = ("bot_id", "group_id", "user_id")


def _progress(row: WarmupRow) -> WarmupProgress:
    return from_record({column.name: getattr(row, column.name) for column in _COLUMNS})


_COLUMNS = WarmupRow.__table__.columns
