"""A fresh, empty PostgreSQL database on a server, dropped afterwards (tests and the bench)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


@asynccontextmanager
async def scratch_database(server_url: str, prefix: str = "gk") -> AsyncIterator[str]:
    """Yields the URL of a new database on `server_url`'s server; drops it on the way out."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    # A connection per statement: the server may have been restarted meanwhile (fault tests).
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
