"""AuditLog: an append-only trail of what the bot did, and why, per group."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import AuditRow, GroupRow


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

    async def unlogged(
        self, group_id: ChatId, actions: Collection[str], limit: int
    ) -> tuple[list[AuditEntry], int]:
        """The entries of `actions` whose line the group's log channel is owed, oldest first:
        the latest `limit` of them, and how many more there are. Called at start, before the
        bot records anything: the entries before the first owed are then passed for good."""
        bot = self._scope.bot_id
        async with self._sessions.begin() as session:
            after = await session.scalar(
                select(GroupRow.logged_audit_id).where(
                    GroupRow.bot_id == bot, GroupRow.id == group_id
                )
            )
            if after is None:  # no log channel (or none since before lines were counted)
                return [], 0
            since = (AuditRow.bot_id == bot, AuditRow.group_id == group_id, AuditRow.id > after)
            owed = (*since, AuditRow.action.in_(list(actions)), AuditRow.logged.is_(None))
            total = await session.scalar(select(func.count()).where(*owed)) or 0
            rows = await session.scalars(
                select(AuditRow).where(*owed).order_by(AuditRow.id.desc()).limit(limit)
            )
            entries = [_entry(row) for row in reversed(rows.all())]
            first = await session.scalar(select(func.min(AuditRow.id)).where(*owed))
            passed = (
                (first - 1)
                if first is not None
                else await session.scalar(select(func.max(AuditRow.id)).where(*since))
            )
            if passed is not None:
                await session.execute(
                    update(GroupRow)
                    .where(GroupRow.bot_id == bot, GroupRow.id == group_id)
                    .values(logged_audit_id=passed)
                )
        return entries, total - len(entries)

    async def logged(self, entry_ids: Collection[int]) -> None:
        """These entries' lines are in the log channel."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(AuditRow)
                .where(AuditRow.bot_id == self._scope.bot_id, AuditRow.id.in_(list(entry_ids)))
                .values(logged=True)
            )

    async def logged_through(
        self, group_ids: Collection[ChatId], actions: Collection[str], last_id: int
    ) -> None:
        """The groups' lines up to entry `last_id` are dealt with (dropped, counted in a line
        that said so): not owed after a restart."""
        bot = self._scope.bot_id
        async with self._sessions.begin() as session:
            for group_id in group_ids:
                after = await session.scalar(
                    select(GroupRow.logged_audit_id).where(
                        GroupRow.bot_id == bot, GroupRow.id == group_id
                    )
                )
                await session.execute(
                    update(AuditRow)
                    .where(
                        AuditRow.bot_id == bot,
                        AuditRow.group_id == group_id,
                        AuditRow.id > (after or 0),
                        AuditRow.action.in_(list(actions)),
                        AuditRow.id <= last_id,
                        AuditRow.logged.is_(None),
                    )
                    .values(logged=True)
                )

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
            return [_entry(row) for row in rows]

    async def counts(self, group_id: ChatId) -> dict[str, int]:
        """How many entries the group has, by action."""
        query = (
            select(AuditRow.action, func.count())
            .where(AuditRow.bot_id == self._scope.bot_id, AuditRow.group_id == group_id)
            .group_by(AuditRow.action)
        )
        async with self._sessions() as session:
            return {action: int(n) for action, n in (await session.execute(query)).all()}


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.id, row.at, row.action, row.group_id, row.user_id, row.detail)
