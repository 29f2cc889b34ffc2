"""Scenario fixtures: a stage with the real bot on it, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gatekeeper.sim.stage import Stage


@pytest.fixture
async def stage(database_url: str, tmp_path: Path) -> AsyncIterator[Stage]:
    stage = Stage(database_url, session=tmp_path / "bot.session")
    try:
        yield stage
    finally:
        await stage.stop()
