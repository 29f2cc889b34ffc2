"""SQL helpers the repositories share: upserts for both dialects, rows affected by a write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Insert, Update

from gatekeeper.storage.tables import Base


def _insert(session: AsyncSession, table: type[Base]) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for the {dialect!r} dialect")


def upsert(
    session: AsyncSession,
    table: type[Base],
    values: Mapping[str, Any],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
    also: Mapping[str, Any] | None = None,
) -> Insert:
    """Insert `values`; on a `key` conflict, overwrite the `update` columns (default: every
    non-key column in `values`) with the new values, and set `also` (e.g. `updated_at=now()`).
    """
    stmt = _insert(session, table).values(dict(values))
    columns = [name for name in values if name not in key] if update is None else update
    set_: dict[str, Any] = {name: stmt.excluded[name] for name in columns}
    set_.update(also or {})
    return stmt.on_conflict_do_update(index_elements=list(key), set_=set_)


def insert_or_ignore(
    session: AsyncSession,
    table: type[Base],
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
) -> Insert:
    """Insert `values` (a row, or several) except those whose `key` exists already."""
    rows = [dict(v) for v in values] if isinstance(values, Sequence) else dict(values)
    return _insert(session, table).values(rows).on_conflict_do_nothing(index_elements=list(key))


async def affected(session: AsyncSession, stmt: Insert | Update | Delete) -> int:
    """Execute a write and return how many rows it inserted, changed or deleted."""
    result = cast(CursorResult[Any], await session.execute(stmt))
    return result.rowcount
