"""Shared fixtures: the real servers the suite runs against.

PostgreSQL and Redis come from `tests/services.sh` (started by `bash tests/check`). Outside CI a
missing server skips its tests; with CI=true it fails them, so CI never silently skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest
import redis
from hypothesis import settings

from gatekeeper.sim.stage import Stage
from gatekeeper.storage.scratch import scratch_database

# Speed lives in `python run.py bench`: no example fails for being slow on a loaded machine.
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak", action="store_true", help="the fault suite's longer runs (ten seeds)"
    )


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


def fresh_postgres_database() -> AbstractAsyncContextManager[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    return scratch_database(_require("GATEKEEPER_TEST_POSTGRES_URL"))


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
def postgres_server_url() -> str:
    """The PostgreSQL server itself, for code that makes its own databases (the benchmark)."""
    return _require("GATEKEEPER_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def _redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The suite's Redis server; under pytest-xdist each worker starts one of its own, since
    tests flush their database and the benchmark counts the server's commands."""
    url = _require("GATEKEEPER_TEST_REDIS_URL")
    binary = shutil.which("redis-server")
    if "PYTEST_XDIST_WORKER" not in os.environ or binary is None:
        yield url
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    directory = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.kill()
        server.wait()


@pytest.fixture
def redis_url(_redis_server_url: str) -> str:
    return _redis_server_url


@pytest.fixture
async def stage(database_url: str, tmp_path: Path) -> AsyncIterator[Stage]:
    """The simulated Telegram with the real bot on it, once on SQLite and once on PostgreSQL."""
    stage = Stage(database_url, session=tmp_path / "bot.session")
    try:
        yield stage
    finally:
        await stage.stop()
