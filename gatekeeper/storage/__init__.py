"""Storage: groups and their channel links, the restrictions the bot imposed, the audit trail,
the work Telegram made wait, the notices waiting for a group's message budget.

`Storage.open(url)` is the one entry point: it makes the engine, migrates the database to head
and builds the repositories. Repositories return domain types; sessions never leave this package.
Every repository reads and writes only the rows of the bot that storage is bound to
(`await storage.bind(bot_id)`, once the bot has logged in and knows its id).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine

from gatekeeper.storage import migrate
from gatekeeper.storage.audit import AuditLog
from gatekeeper.storage.engine import create_engine, session_factory
from gatekeeper.storage.errors import NotFound
from gatekeeper.storage.groups import GroupStore
from gatekeeper.storage.join_requests import JoinRequestStore
from gatekeeper.storage.members import MemberNoteStore
from gatekeeper.storage.notices import WaitingNoticeStore
from gatekeeper.storage.postponed import Postponed, PostponedStore
from gatekeeper.storage.restrictions import RestrictionStore
from gatekeeper.storage.scope import BotScope, Unbound, claim_unowned
from gatekeeper.storage.warmups import WarmupStore

__all__ = [
    "AuditLog",
    "GroupStore",
    "JoinRequestStore",
    "MemberNoteStore",
    "NotFound",
    "Postponed",
    "PostponedStore",
    "RestrictionStore",
    "Storage",
    "Unbound",
    "WaitingNoticeStore",
    "WarmupStore",
    "create_engine",
    "session_factory",
]


@dataclass(frozen=True, slots=True)
class Storage:
    engine: AsyncEngine
    groups: GroupStore
    restrictions: RestrictionStore
    audit: AuditLog
    scope: BotScope
    members: MemberNoteStore
    join_requests: JoinRequestStore
    warmups: WarmupStore
    postponed: PostponedStore
    notices: WaitingNoticeStore

    @classmethod
    async def open(cls, url: str, *, upgrade: bool = True) -> Storage:
        """Connect to `url` and (unless told not to) migrate the database to the latest schema."""
        engine = create_engine(url)
        try:
            if upgrade:
                await migrate.upgrade(engine)
        except BaseException:
            await engine.dispose()
            raise
        return cls.on(engine)

    @classmethod
    def on(cls, engine: AsyncEngine) -> Storage:
        """Repositories over an engine the caller made (and migrated)."""
        sessions = session_factory(engine)
        scope = BotScope()
        return cls(
            engine=engine,
            groups=GroupStore(sessions, scope),
            restrictions=RestrictionStore(sessions, scope),
            audit=AuditLog(sessions, scope),
            scope=scope,
            members=MemberNoteStore(sessions, scope),
            join_requests=JoinRequestStore(sessions, scope),
            warmups=WarmupStore(sessions, scope),
            postponed=PostponedStore(sessions, scope),
            notices=WaitingNoticeStore(sessions, scope),
        )

    async def bind(self, bot_id: int) -> None:
        """From now on, read and write only `bot_id`'s rows; rows written before bots were told
        apart become this bot's (unless it has rows of its own already)."""
        self.scope.bind(bot_id)
        async with session_factory(self.engine).begin() as session:
            await claim_unowned(session, bot_id)

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Storage:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
