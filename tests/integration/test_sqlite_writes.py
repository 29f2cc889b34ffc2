"""SQLite lets one connection write at a time: a burst of writers in one process must queue,
not fail with "database is locked" when the event loop is slow to finish each transaction."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from gatekeeper.storage import engine as engines


async def test_a_burst_of_slow_write_transactions_on_sqlite_all_commit(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A busy timeout far shorter than the burst: without the queue, writers would time out.
    monkeypatch.setattr(engines, "SQLITE_BUSY_TIMEOUT_MS", 50)
    engine = engines.create_engine(sqlite_url, concurrency=20)
    sessions = engines.session_factory(engine)
    try:
        async with sessions.begin() as session:
            await session.execute(text("CREATE TABLE seen (n INTEGER PRIMARY KEY)"))

        async def write(n: int) -> None:
            async with sessions.begin() as session:
                await session.execute(text("INSERT INTO seen (n) VALUES (:n)"), {"n": n})
                await asyncio.sleep(0.02)  # the loop busy with other updates mid-transaction

        await asyncio.gather(*(write(n) for n in range(20)))

        async with sessions() as session:
            assert (await session.execute(text("SELECT count(*) FROM seen"))).scalar() == 20
    finally:
        await engine.dispose()
