"""Servers of the reliability tests' own, which they stop and start (servers.py)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from gatekeeper.storage.scratch import scratch_database
from tests.reliability.servers import PrivatePostgres, PrivateRedis


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    """One cluster for the module's runs (each gets a database of its own): made once, since
    initdb takes seconds; restarted by the runs, so never the suite's shared server. Its
    folder is outside pytest's (which the `postgres` user may not enter)."""
    folder = Path(tempfile.mkdtemp(prefix="gatekeeper-faults-pg-"))
    server = PrivatePostgres(folder)
    try:
        server.create()
        yield server
    finally:
        server.stop("fast")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def fault_database(private_postgres: PrivatePostgres) -> AsyncIterator[str]:
    if not private_postgres.running:
        private_postgres.start()  # a run that failed may have left it down
    async with scratch_database(private_postgres.url) as url:
        try:
            yield url
        finally:
            if not private_postgres.running:
                private_postgres.start()
