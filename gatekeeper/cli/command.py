"""What a subcommand is: a name, help with examples, its arguments and what it does."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from gatekeeper.settings import Settings


@dataclass(frozen=True, slots=True)
class Command:
    """One `gatekeeper NAME` subcommand; `gatekeeper/cli/__init__.py` lists them all."""

    name: str
    help: str
    examples: str  # shown by `gatekeeper NAME --help`
    run: Callable[[argparse.Namespace, Settings | None], int]
    arguments: Callable[[argparse.ArgumentParser], None] = lambda _: None
    needs_settings: bool = True  # demo and bench run without any configuration


def print_table(rows: Sequence[Sequence[str]], header: Sequence[str], out: TextIO) -> None:
    """Plain aligned columns: readable on a terminal, greppable in a log."""
    table = [list(header), *(list(row) for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip(), file=out)


def print_json(payload: Any, out: TextIO | None = None) -> None:
    print(json.dumps(payload, indent=2, sort_keys=True, default=str), file=out or sys.stdout)


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON document, for scripts")


def report_command(
    report: Callable[..., Coroutine[Any, Any, int]],
) -> Callable[[argparse.Namespace, Settings | None], int]:
    """The `run` of a command that reports (`report(settings, as_json=...)`)."""

    def run(args: argparse.Namespace, settings: Settings | None) -> int:
        assert settings is not None
        return asyncio.run(report(settings, as_json=args.json))

    return run
