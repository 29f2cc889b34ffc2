"""`gatekeeper demo`: the product's stories against the simulated Telegram."""

from __future__ import annotations

import argparse
import asyncio

from gatekeeper.cli.command import Command
from gatekeeper.settings import Settings


def _run(_: argparse.Namespace, __: Settings | None) -> int:
    from gatekeeper.demo import play

    return asyncio.run(play())


COMMAND = Command(
    name="demo",
    help="play the product's stories against a simulated Telegram (no credentials needed)",
    examples="  python3 run.py demo",
    run=_run,
    needs_settings=False,
)
