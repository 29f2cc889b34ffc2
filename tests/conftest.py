"""Shared fixtures: the real servers the suite runs against.

PostgreSQL and Redis come from `tests/services.sh` (started by `bash tests/check`). Outside CI a
missing server skips its tests; with CI=true it fails them, so CI never silently skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gatekeeper.sim.stage import Stage


def _require(variable: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    message = f"{variable} is not set: run the suite with `bash tests/check`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    server = _require("GATEKEEPER_TEST_POSTGRES_URL")
    name = f"gk_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    return _require("GATEKEEPER_TEST_REDIS_URL")


@pytest.fixture
async def stage(database_url: str, tmp_path: Path) -> AsyncIterator[Stage]:
    """The simulated Telegram with the real bot on it, once on SQLite and once on PostgreSQL."""
    stage = Stage(database_url, session=tmp_path / "bot.session")
    try:
        yield stage
    finally:
        await stage.stop()
