"""WaitingNoticeStore: notices that wait for a group's message budget, kept across a stop or a
crash (written when a notice has to wait, removed once it is sent or no longer owed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select

from gatekeeper.domain.model import Channel
from gatekeeper.domain.owed import OwedNotice
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import WaitingNoticeRow


def channel_fields(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "title": channel.title,
        "username": channel.username,
        "link": channel.invite_link,
    }


def channel_of(fields: dict[str, Any]) -> Channel:
    return Channel(fields["id"], fields["title"], fields["username"], fields["link"])


class WaitingNoticeStore:
    """This bot's waiting notices (see `BotScope`)."""

    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def add(self, notice: OwedNotice, *, access_hash: int | None = None) -> int:
        """Keep a notice (with the member's access hash, to name them after a crash); its id."""
        values = {
            "bot_id": self._scope.bot_id,
            "group_id": notice.group_id,
            "user_id": notice.user_id,
            "name": notice.name,
            "channels": [channel_fields(c) for c in notice.channels],
            "ttl": notice.ttl,
            "thread": notice.thread,
            "any_of": notice.any_of,
            "muted": notice.muted,
            "access_hash": access_hash,
        }
        async with self._sessions.begin() as session:
            row_id = await session.scalar(
                insert(WaitingNoticeRow).values(values).returning(WaitingNoticeRow.id)
            )
        assert row_id is not None
        return int(row_id)

    async def remove(self, row_ids: list[int]) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(WaitingNoticeRow).where(
                    WaitingNoticeRow.bot_id == self._scope.bot_id,
                    WaitingNoticeRow.id.in_(row_ids),
                )
            )

    async def all(self) -> list[tuple[int, OwedNotice, int | None]]:
        """Every notice kept, the oldest first: (its id, the notice, the member's access hash)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(WaitingNoticeRow)
                .where(WaitingNoticeRow.bot_id == self._scope.bot_id)
                .order_by(WaitingNoticeRow.id)
            )
            return [
                (
                    row.id,
                    OwedNotice(
                        row.group_id,
                        row.user_id,
                        row.name,
                        tuple(channel_of(c) for c in row.channels),
                        row.ttl,
                        row.thread,
                        row.any_of,
                        row.muted,
                    ),
                    row.access_hash,
                )
                for row in rows
            ]
