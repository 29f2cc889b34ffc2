"""Run the Alembic migrations in `migrations/` from inside the event loop, over our own engine.

The Alembic `Config` is built here, in code: no alembic.ini and no `fileConfig`, so Alembic never
reconfigures the application's logging. `migrations/env.py` runs on the connection we hand it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(engine: AsyncEngine, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", _escape(str(MIGRATIONS)))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", _escape(url))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class MigrationError(Exception):
    """The database cannot be migrated by this version; str() says why and what to do."""


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _migrate(engine, lambda sync: _upgrade(alembic_config(engine, sync), sync, revision))


def _upgrade(config: Config, sync: Connection, revision: str) -> None:
    script = ScriptDirectory.from_config(config)
    for current in MigrationContext.configure(sync).get_current_heads():
        try:
            script.get_revision(current)
        except (RevisionError, CommandError):  # alembic says either, by version
            raise MigrationError(
                f"the database is at migration {current!r}, which this version of Gatekeeper "
                "does not know (was it made by a newer version?). Nothing was changed: run "
                "the version that made it, or point GATEKEEPER_DATABASE_URL at another database."
            ) from None
    command.upgrade(config, revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    await _migrate(engine, lambda sync: command.downgrade(alembic_config(engine, sync), revision))


async def _migrate(engine: AsyncEngine, run: Callable[[Connection], None]) -> None:
    """Run migrations in one transaction. On SQLite, with foreign keys off meanwhile: batch
    mode rebuilds a table by copying it and dropping the original, and that drop would
    cascade into the rows that refer to it (Alembic's advice for SQLite)."""
    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # before any write: SQLite ignores this pragma inside a transaction
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            await conn.run_sync(run)
            await conn.commit()
        finally:
            if sqlite:
                await conn.rollback()
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None for an empty (unmigrated) database."""
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def _escape(value: str) -> str:
    """ConfigParser interpolates `%`: a password or path containing one must be doubled."""
    return value.replace("%", "%%")
