"""Engines and sessions: one place that knows how to open SQLite and PostgreSQL well."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

# Another process (the CLI) may hold SQLite's write lock; in this one, writes queue on a lock.
SQLITE_BUSY_TIMEOUT_MS = 30_000
KEPT_OPEN = 10  # connections kept open between bursts; the rest are opened as needed
BACKGROUND_CONNECTIONS = 2  # sweeps and start-up work, besides the update handlers


def create_engine(url: str, *, concurrency: int | None = None) -> AsyncEngine:
    """An async engine for `url`; for SQLite, with foreign keys, WAL and a busy timeout.

    With `concurrency` (how many updates are handled at once), the pool lets every handler
    hold a connection at the same time, so none waits for the pool's timeout in a burst.
    """
    parsed = make_url(url)
    options: dict[str, Any] = {}
    database = parsed.database
    in_memory = not database or database == ":memory:" or "mode=memory" in str(parsed)
    if concurrency is not None and not (parsed.get_backend_name() == "sqlite" and in_memory):
        wanted = concurrency + BACKGROUND_CONNECTIONS
        options["pool_size"] = min(wanted, KEPT_OPEN)
        options["max_overflow"] = wanted - options["pool_size"]
    if parsed.get_backend_name() != "sqlite":
        return _create_async_engine(parsed, pool_pre_ping=True, **options)
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = _create_async_engine(parsed, **options)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


class Sessions:
    """Opens sessions: `sessions()` to read, `sessions.begin()` for a transaction that writes.

    SQLite lets one connection write at a time; a transaction holds that lock across awaits, so
    in a burst the others would wait out the busy timeout in their threads and fail when the
    event loop is slow. On SQLite the transactions of this process therefore queue on an asyncio
    lock first (a repository must not open one transaction inside another).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._maker = async_sessionmaker(engine, expire_on_commit=False)
        self._writing = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    def __call__(self) -> AsyncSession:
        return self._maker()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        if self._writing is None:
            async with self._maker.begin() as session:
                yield session
            return
        async with self._writing, self._maker.begin() as session:
            yield session


def session_factory(engine: AsyncEngine) -> Sessions:
    return Sessions(engine)
