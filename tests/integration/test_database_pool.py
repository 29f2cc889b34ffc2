"""The database pool lets every update handler hold a connection at once (no pool timeouts)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from sqlalchemy import text

from gatekeeper.app import build
from gatekeeper.settings import Settings
from gatekeeper.sim.server import SimTelegram


async def test_a_burst_of_handlers_each_gets_a_database_connection(database_url: str) -> None:
    settings = Settings(
        _env_file=None, api_id=1, api_hash="0" * 32, database_url=database_url, concurrency=24
    )
    app = build(settings, client=SimTelegram().client())
    engine = app.storage.engine
    try:
        async with AsyncExitStack() as held:
            # More than SQLAlchemy's default pool (5 + 10 overflow) would give without waiting.
            connections = await asyncio.gather(
                *(held.enter_async_context(engine.connect()) for _ in range(settings.concurrency))
            )
            for connection in connections:
                assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
            assert engine.pool.checkedout() == settings.concurrency  # type: ignore[attr-defined]
    finally:
        await app.storage.close()
