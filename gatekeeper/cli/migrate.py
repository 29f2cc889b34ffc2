"""`gatekeeper migrate`: move the database schema by hand (the bot also migrates at start)."""

from __future__ import annotations

import argparse
import asyncio

from gatekeeper.cli.command import Command
from gatekeeper.settings import Settings


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("revision", nargs="?", default="head", help="target (default: head)")
    parser.add_argument("--down", action="store_true", help="downgrade to the revision instead")


def _run(args: argparse.Namespace, settings: Settings | None) -> int:
    from gatekeeper.storage.cli import migrate

    assert settings is not None
    return asyncio.run(migrate(settings.database_url, args.revision, down=args.down))


COMMAND = Command(
    name="migrate",
    help="apply database migrations (Alembic)",
    examples=(
        "  python3 run.py migrate                 to the latest schema\n"
        "  python3 run.py migrate base --down     undo every migration"
    ),
    run=_run,
    arguments=_arguments,
)
