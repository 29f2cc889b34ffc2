"""What a story may compare before and after: the world's rights and messages, the bot's rows.

Schema-agnostic on purpose (every table, every row), so that "nothing changed" holds whatever
columns the storage gains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, select

from gatekeeper.sim.stage import Stage


@dataclass(frozen=True)
class WorldView:
    """Everyone's standing in every chat, and every message not written by the bot."""

    standings: frozenset[tuple[Any, ...]]
    messages: frozenset[tuple[int, int]]


def world(stage: Stage) -> WorldView:
    standings = frozenset(
        (chat.id, p.user_id, p.role, p.admin_rights, p.banned_rights, p.until_date)
        for chat in stage.sim.world.chats.values()
        for p in chat.participants.values()
    )
    messages = frozenset(
        (chat.id, m.id)
        for chat in stage.sim.world.chats.values()
        for m in chat.messages.values()
        if m.sender_user_id != stage.bot.id
    )
    return WorldView(standings, messages)


TOUCHED = {"updated_at"}  # a timestamp a harmless re-save refreshes


def _housekeeping(table: str, row: dict[str, Any]) -> bool:
    """The removal of the bot's own replies and notices when their time is up (kept as
    postponed work): the bot tidying up after itself, not a change of state."""
    return table == "postponed_work" and all(item["kind"] == "delete" for item in row["work"])


async def database(stage: Stage) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the bot keeps (but for `TOUCHED`), in a stable order."""
    assert stage.app is not None
    engine = stage.app.storage.engine
    metadata = MetaData()
    async with engine.connect() as conn:
        await conn.run_sync(metadata.reflect)
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for name, table in sorted(metadata.tables.items()):
            columns = [c for c in table.columns if c.name not in TOUCHED]
            result = await conn.execute(select(*columns))
            kept = [row for row in result if not _housekeeping(name, dict(row._mapping))]
            rows[name] = sorted((tuple(row) for row in kept), key=repr)
    return rows


def bot_messages(stage: Stage) -> int:
    return sum(
        1
        for chat in stage.sim.world.chats.values()
        for m in chat.messages.values()
        if m.sender_user_id == stage.bot.id
    )
