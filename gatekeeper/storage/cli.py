"""`python run.py migrate [revision] [--down]`: move the database schema by hand."""

from __future__ import annotations

import sys

from gatekeeper.storage import create_engine
from gatekeeper.storage import migrate as migrations


async def migrate(url: str, revision: str = "head", *, down: bool = False) -> int:
    engine = create_engine(url)
    try:
        if down:
            await migrations.downgrade(engine, revision)
        else:
            await migrations.upgrade(engine, revision)
        print(f"database at revision {await migrations.current(engine) or 'base'}", file=sys.stderr)
        return 0
    finally:
        await engine.dispose()
