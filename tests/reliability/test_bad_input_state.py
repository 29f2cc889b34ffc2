"""State left by someone else: a database at an older or unknown migration. The bot upgrades
what it knows, and refuses, untouched and with a clear word, what it does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, select, text

from gatekeeper.sim.stage import Stage
from gatekeeper.storage import migrate
from gatekeeper.storage.engine import create_engine
from tests.scenarios.helpers import guarded, say


async def _rows(url: str) -> dict[str, list[Any]]:
    engine = create_engine(url)
    try:
        metadata = MetaData()
        async with engine.connect() as conn:
            await conn.run_sync(metadata.reflect)
            return {
                name: sorted(map(tuple, await conn.execute(select(table))), key=repr)
                for name, table in metadata.tables.items()
            }
    finally:
        await engine.dispose()


async def test_a_database_from_a_newer_version_is_refused_and_left_alone(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed9999'"))
    finally:
        await engine.dispose()
    before = await _rows(database_url)
    stage = Stage(database_url, session=tmp_path / "bot.session")

    try:
        with pytest.raises(migrate.MigrationError, match=r"f00dfeed9999.*does not know"):
            await stage.start()
    finally:
        await stage.stop()

    assert await _rows(database_url) == before


async def test_a_database_at_the_oldest_migration_is_upgraded_and_served(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    try:
        script = ScriptDirectory.from_config(migrate.alembic_config(engine))
        oldest = list(script.walk_revisions())[-1].revision
        await migrate.upgrade(engine, oldest)
    finally:
        await engine.dispose()
    stage = Stage(database_url, session=tmp_path / "bot.session")

    try:
        await guarded(stage)
        await say(stage, stage.alice, stage.group, "hi")

        assert not stage.group.can_write(stage.alice), "the upgraded bot guards the group"
        assert stage.app is not None
        assert await migrate.current(stage.app.storage.engine) == script.get_current_head()
    finally:
        await stage.stop()
