"""RestrictionStore: the mutes the bot imposed, and each member's rights before them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gatekeeper.domain.model import BannedRights, ChatId, Restriction, UserId
from gatekeeper.storage._sql import affected, upsert
from gatekeeper.storage.tables import RestrictionRow

_ORDER = (RestrictionRow.group_id, RestrictionRow.user_id)


class RestrictionStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save(self, restriction: Restriction) -> None:
        """Record a mute, replacing any earlier record for the same member of the same group."""
        values = {
            "group_id": restriction.group_id,
            "user_id": restriction.user_id,
            "previous_flags": sorted(restriction.previous.flags),
            "previous_until": restriction.previous.until,
            "imposed_at": restriction.imposed_at,
            "missing": list(restriction.missing),
            "notice_message_id": restriction.notice_message_id,
        }
        async with self._sessions.begin() as session:
            await session.execute(upsert(session, RestrictionRow, values, key=_ORDER_KEY))

    async def remove(self, group_id: ChatId, user_id: UserId) -> bool:
        """True when there was a record to remove."""
        async with self._sessions.begin() as session:
            changed = await affected(session, delete(RestrictionRow).where(*_is(group_id, user_id)))
        return changed == 1

    async def set_notice(self, group_id: ChatId, user_id: UserId, message_id: int | None) -> bool:
        """Remember (or forget) the notice sent about this mute; False when there is no mute."""
        async with self._sessions.begin() as session:
            changed = await affected(
                session,
                update(RestrictionRow)
                .where(*_is(group_id, user_id))
                .values(notice_message_id=message_id),
            )
        return changed == 1

    async def all(self) -> list[Restriction]:
        return await self._select()

    async def _select(self, *where: ColumnElement[bool]) -> list[Restriction]:
        async with self._sessions() as session:
            rows = await session.scalars(select(RestrictionRow).where(*where).order_by(*_ORDER))
            return [_restriction(row) for row in rows]


_ORDER_KEY = ("group_id", "user_id")


def _is(group_id: ChatId, user_id: UserId) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (RestrictionRow.group_id == group_id, RestrictionRow.user_id == user_id)


def _restriction(row: RestrictionRow) -> Restriction:
    return Restriction(
        group_id=row.group_id,
        user_id=row.user_id,
        previous=BannedRights(flags=frozenset(row.previous_flags), until=row.previous_until),
        imposed_at=row.imposed_at,
        missing=tuple(row.missing),
        notice_message_id=row.notice_message_id,
    )
