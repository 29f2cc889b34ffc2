"""`gatekeeper bench`: figures for the hot path, measured on the real bot over the sim."""

from __future__ import annotations

import argparse

from gatekeeper.cli.command import Command
from gatekeeper.settings import Settings


def _arguments(parser: argparse.ArgumentParser) -> None:
    from gatekeeper.bench import add_arguments

    add_arguments(parser)


def _run(args: argparse.Namespace, _: Settings | None) -> int:
    from gatekeeper.bench import options_from, run_bench

    return run_bench(options_from(args))


COMMAND = Command(
    name="bench",
    help="measure the bot against bare Telethon and a naive bot",
    examples="  python3 run.py bench\n  python3 run.py bench --messages 2000",
    run=_run,
    arguments=_arguments,
    needs_settings=False,
)
