"""RestrictionStore: the mutes the bot imposed, and each member's rights before them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, select, update

from gatekeeper.domain.model import BannedRights, ChatId, Restriction, UserId
from gatekeeper.storage._sql import affected, upsert
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import RestrictionRow

_ORDER = (RestrictionRow.group_id, RestrictionRow.user_id)


class RestrictionStore:
    """This bot's mutes (see `BotScope`)."""

    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def save(self, restriction: Restriction, *, access_hash: int | None = None) -> None:
        """Record a mute, replacing any earlier record for the same member of the same group,
        with the member's access hash (what naming them to Telegram takes) when it is known."""
        values = {
            "bot_id": self._scope.bot_id,
            "group_id": restriction.group_id,
            "user_id": restriction.user_id,
            "previous_flags": sorted(restriction.previous.flags),
            "previous_until": restriction.previous.until,
            "imposed_at": restriction.imposed_at,
            "missing": list(restriction.missing),
            "notice_message_id": restriction.notice_message_id,
            "access_hash": access_hash,
        }
        async with self._sessions.begin() as session:
            await session.execute(upsert(session, RestrictionRow, values, key=_ORDER_KEY))

    async def remove(self, group_id: ChatId, user_id: UserId) -> bool:
        """True when there was a record to remove."""
        async with self._sessions.begin() as session:
            changed = await affected(
                session, delete(RestrictionRow).where(*self._is(group_id, user_id))
            )
        return changed == 1

    async def set_notice(self, group_id: ChatId, user_id: UserId, message_id: int | None) -> bool:
        """Remember (or forget) the notice sent about this mute; False when there is no mute."""
        async with self._sessions.begin() as session:
            changed = await affected(
                session,
                update(RestrictionRow)
                .where(*self._is(group_id, user_id))
                .values(notice_message_id=message_id),
            )
        return changed == 1

    async def all(self) -> list[Restriction]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(RestrictionRow)
                .where(RestrictionRow.bot_id == self._scope.bot_id)
                .order_by(*_ORDER)
            )
            return [_restriction(row) for row in rows]

    async def access_hashes(self) -> dict[UserId, int]:
        """The access hash of every muted member it was recorded for."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(RestrictionRow.user_id, RestrictionRow.access_hash).where(
                    RestrictionRow.bot_id == self._scope.bot_id,
                    RestrictionRow.access_hash.is_not(None),
                )
            )
            return {
                user_id: access_hash for user_id, access_hash in rows if access_hash is not None
            }

    def _is(self, group_id: ChatId, user_id: UserId) -> tuple[ColumnElement[bool], ...]:
        return (
            RestrictionRow.bot_id == self._scope.bot_id,
            RestrictionRow.group_id == group_id,
            RestrictionRow.user_id == user_id,
        )


_ORDER_KEY = ("bot_id", "group_id", "user_id")


def _restriction(row: RestrictionRow) -> Restriction:
    return Restriction(
        group_id=row.group_id,
        user_id=row.user_id,
        previous=BannedRights(flags=frozenset(row.previous_flags), until=row.previous_until),
        imposed_at=row.imposed_at,
        missing=tuple(row.missing),
        notice_message_id=row.notice_message_id,
    )
