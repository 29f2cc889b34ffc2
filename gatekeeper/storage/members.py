"""MemberNoteStore: what the bot keeps about members besides mutes (warnings, exceptions)."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from gatekeeper.domain.model import ChatId, MemberNote, UserId
from gatekeeper.storage._sql import upsert
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import MemberNoteRow


class MemberNoteStore:
    """This bot's notes (see `BotScope`)."""

    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def save(self, note: MemberNote) -> None:
        """Keep the note; an empty one is removed instead."""
        if note.is_empty:
            await self.remove(note.group_id, note.user_id)
            return
        values = {
            "bot_id": self._scope.bot_id,
            "group_id": note.group_id,
            "user_id": note.user_id,
            "strikes": note.strikes,
            "exempt": note.exempt,
            "label": note.label,
            "grace_until": note.grace_until,
            "noted_at": note.noted_at,
            "struck": note.struck,
        }
        async with self._sessions.begin() as session:
            await session.execute(
                upsert(session, MemberNoteRow, values, key=("bot_id", "group_id", "user_id"))
            )

    async def remove(self, group_id: ChatId, user_id: UserId) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(MemberNoteRow).where(
                    MemberNoteRow.bot_id == self._scope.bot_id,
                    MemberNoteRow.group_id == group_id,
                    MemberNoteRow.user_id == user_id,
                )
            )

    async def all(self) -> list[MemberNote]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(MemberNoteRow)
                .where(MemberNoteRow.bot_id == self._scope.bot_id)
                .order_by(MemberNoteRow.group_id, MemberNoteRow.user_id)
            )
            return [
                MemberNote(
                    row.group_id,
                    row.user_id,
                    row.strikes,
                    row.exempt,
                    row.label,
                    row.grace_until,
                    row.noted_at,
                    row.struck,
                )
                for row in rows
            ]

    async def prune(self, now: float, retention: float) -> int:
        """Forget the notes `MemberNote.stale` describes; how many there were."""
        if retention <= 0:
            return 0
        cutoff = now - retention
        row = MemberNoteRow
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(row).where(
                    row.bot_id == self._scope.bot_id,
                    row.exempt.is_(False),
                    row.noted_at < cutoff,
                    or_(row.grace_until.is_(None), row.grace_until < cutoff),
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)
