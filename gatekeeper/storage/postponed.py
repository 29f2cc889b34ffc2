"""PostponedStore: work the bot decided and Telegram made wait, kept across crashes.

A batch is written when it is postponed and removed only once it is done, so a bot killed in
between finds it again at its next start (the work is decided afresh there: doing it twice
does no harm). Actions are stored as JSON, one object per action with its kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from gatekeeper.domain.actions import (
    DeleteMessage,
    Mute,
    Recheck,
    Release,
    SendNotice,
    StartGrace,
    Warn,
    Work,
)
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.notices import channel_fields, channel_of
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import PostponedRow

_KINDS: dict[str, type[Any]] = {
    "delete": DeleteMessage,
    "mute": Mute,
    "warn": Warn,
    "grace": StartGrace,
    "release": Release,
    "notice": SendNotice,
    "recheck": Recheck,
}
_KIND_OF = {kind: name for name, kind in _KINDS.items()}
_TUPLES = ("missing", "joined")  # fields that are tuples of ids


@dataclass(frozen=True, slots=True)
class Postponed:
    """One stored batch: its row id, when it is due, the work, the member's first name and
    access hash."""

    id: int
    due_at: float
    work: tuple[Work, ...]
    name: str | None
    access_hash: int | None = None


def encode(work: Work) -> dict[str, Any]:
    fields: dict[str, Any] = {"kind": _KIND_OF[type(work)]}
    for name in work.__slots__:
        value = getattr(work, name)
        if name == "channels":
            value = [channel_fields(c) for c in value]
        elif isinstance(value, tuple):
            value = list(value)
        fields[name] = value
    return fields


def decode(fields: dict[str, Any]) -> Work:
    values = dict(fields)
    kind = _KINDS[values.pop("kind")]
    if "channels" in values:
        values["channels"] = tuple(channel_of(c) for c in values["channels"])
    for name in _TUPLES:
        if name in values:
            values[name] = tuple(values[name])
    work: Work = kind(**values)
    return work


class PostponedStore:
    """This bot's postponed work (see `BotScope`)."""

    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def add(
        self,
        due_at: float,
        work: tuple[Work, ...],
        name: str | None,
        *,
        access_hash: int | None = None,
    ) -> int:
        """Keep a batch (with the access hash of the member it is about, if known); its id."""
        values = {
            "bot_id": self._scope.bot_id,
            "due_at": due_at,
            "work": [encode(item) for item in work],
            "name": name,
            "access_hash": access_hash,
        }
        async with self._sessions.begin() as session:
            row_id = await session.scalar(
                insert(PostponedRow).values(values).returning(PostponedRow.id)
            )
        assert row_id is not None
        return int(row_id)

    async def reschedule(self, row_id: int, due_at: float) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(PostponedRow)
                .where(PostponedRow.bot_id == self._scope.bot_id, PostponedRow.id == row_id)
                .values(due_at=due_at)
            )

    async def remove(self, row_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(PostponedRow).where(
                    PostponedRow.bot_id == self._scope.bot_id, PostponedRow.id == row_id
                )
            )

    async def all(self) -> list[Postponed]:
        """Every batch kept, the soonest due first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(PostponedRow)
                .where(PostponedRow.bot_id == self._scope.bot_id)
                .order_by(PostponedRow.due_at, PostponedRow.id)
            )
            return [
                Postponed(
                    row.id,
                    row.due_at,
                    tuple(decode(item) for item in row.work),
                    row.name,
                    row.access_hash,
                )
                for row in rows
            ]
