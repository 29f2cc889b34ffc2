"""Which bot's rows the stores read and write: every query names the bot, once it is known.

A bot learns its id only when it logs in, after storage is built: `Storage.bind` tells the
stores then. Rows from before bots were told apart (bot id 0) go to the first bot that binds.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gatekeeper.storage.tables import (
    AuditRow,
    ChannelRow,
    GroupChannelRow,
    GroupRow,
    RestrictionRow,
)

UNOWNED = 0


class Unbound(RuntimeError):
    """Storage was used before it knew which bot it serves."""


class BotScope:
    def __init__(self) -> None:
        self._bot_id: int | None = None

    @property
    def bot_id(self) -> int:
        if self._bot_id is None:
            raise Unbound("storage is used before it is bound to a bot (Storage.bind)")
        return self._bot_id

    def bind(self, bot_id: int) -> None:
        if bot_id == UNOWNED:
            raise ValueError("a bot id is never 0")
        if self._bot_id not in (None, bot_id):
            raise ValueError(f"storage serves bot {self._bot_id}, not {bot_id}")
        self._bot_id = bot_id


async def claim_unowned(session: AsyncSession, bot_id: int) -> bool:
    """Give the rows written before bot ids existed to this bot, unless it has rows already.

    Groups and channels are copied and the originals deleted (their links point at both, so
    neither can be re-keyed first); mutes and the audit trail are simply relabelled.
    """
    if not await session.scalar(select(exists().where(GroupRow.bot_id == UNOWNED))) and not (
        await session.scalar(select(exists().where(RestrictionRow.bot_id == UNOWNED)))
    ):
        return False
    if await session.scalar(select(exists().where(GroupRow.bot_id == bot_id))):
        return False
    for table in (GroupRow, ChannelRow):
        columns = [c for c in table.__table__.columns if c.name != "bot_id"]
        await session.execute(
            insert(table).from_select(
                ["bot_id", *(c.name for c in columns)],
                select(literal(bot_id), *columns).where(table.bot_id == UNOWNED),
            )
        )
    for relabelled in (GroupChannelRow, RestrictionRow, AuditRow):
        await session.execute(
            update(relabelled).where(relabelled.bot_id == UNOWNED).values(bot_id=bot_id)
        )
    for table in (GroupRow, ChannelRow):
        await session.execute(delete(table).where(table.bot_id == UNOWNED))
    return True
