"""Command line: `python run.py COMMAND` (`python -m gatekeeper`, the `gatekeeper` script).

Each subcommand is one module of this package exposing `COMMAND`; add a module and a line to
`COMMANDS` to add one.
"""

from __future__ import annotations

import argparse
import sys

from gatekeeper.cli import bench, demo, doctor, login, migrate, run, stats, warm
from gatekeeper.cli.command import Command
from gatekeeper.settings import SettingsError, load_settings
from gatekeeper.storage.migrate import MigrationError
from gatekeeper.telegram.client import SessionFileError

COMMANDS: tuple[Command, ...] = (
    run.COMMAND,
    login.COMMAND,
    migrate.COMMAND,
    doctor.COMMAND,
    stats.COMMAND,
    warm.COMMAND,
    demo.COMMAND,
    bench.COMMAND,
)
DEFAULT = "run"

EPILOG = """\
examples:
  python3 run.py                 run the bot (the same as `run`)
  python3 run.py login           log the bot in once and save its session
  python3 run.py doctor          find out what is wrong, line by line
  python3 run.py warm GROUP      check every member of a group now, with a progress bar
  python3 run.py demo            see the bot at work on a simulated Telegram

`python3 run.py COMMAND --help` shows each command's options and examples."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="gatekeeper",
        description="Gatekeeper keeps a Telegram group's chat for its channels' subscribers.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        child = sub.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            epilog="examples:\n" + command.examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.arguments(child)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        args = parser().parse_args([DEFAULT, *(argv if argv is not None else sys.argv[1:])])
    command = next(c for c in COMMANDS if c.name == args.command)
    settings = None
    if command.needs_settings:
        try:
            settings = load_settings()
        except SettingsError as error:
            print(f"gatekeeper: bad configuration\n{error}", file=sys.stderr)
            return 2
    try:
        return command.run(args, settings)
    except (SessionFileError, MigrationError) as error:
        # Each says which file or database and what to do: one line, not a traceback.
        print(f"gatekeeper: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


__all__ = ["COMMANDS", "Command", "main", "parser"]
