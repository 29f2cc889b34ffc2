"""`gatekeeper warm GROUP`: the bulk verification of one group, watched as it goes.

The running bot does the work (it holds the session: one process per session file): this
writes a request into the database, which the bot's periodic sweep picks up within seconds,
and shows the progress the bot saves there, as a progress bar on a terminal and as plain lines
otherwise. Interrupting the command leaves the warm-up running; `/verify cancel` stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from typing import TextIO

from gatekeeper.cli.command import Command
from gatekeeper.domain.model import GroupRules
from gatekeeper.domain.warmup import Reason, WarmupProgress, WarmupState, requested, status_line
from gatekeeper.settings import Settings
from gatekeeper.storage import Storage, create_engine

POLL = 1.0  # seconds between two looks at the progress
PLAIN_EVERY = 10.0  # seconds between two plain progress lines (and one at each phase change)
PICK_UP = 60.0  # seconds the running bot has to pick the request up
Show = Callable[[WarmupProgress], None]


def find_group(groups: list[GroupRules], name: str) -> GroupRules | None:
    """By marked id (-100...), bare id, or title (any case)."""
    wanted = name.strip()
    for rules in groups:
        if wanted in (str(rules.group_id), str(-rules.group_id - 1_000_000_000_000)):
            return rules
    titled = [r for r in groups if r.title.casefold() == wanted.casefold()]
    return titled[0] if len(titled) == 1 else None


def plain(out: TextIO, label: str) -> Show:
    last: dict[str, object] = {"at": 0.0, "phase": None}

    def show(progress: WarmupProgress) -> None:
        now = time.monotonic()
        key = (progress.phase, progress.state)
        if key != last["phase"] or now - float(str(last["at"])) >= PLAIN_EVERY:
            print(f"{label}: {status_line(progress).removeprefix('🔎 ')}", file=out, flush=True)
            last.update(at=now, phase=key)

    return show


async def warm(
    settings: Settings,
    group: str,
    *,
    out: TextIO | None = None,
    poll: float = POLL,
    pick_up: float = PICK_UP,
    show: Show | None = None,
) -> int:
    out = out or sys.stdout
    if settings.bot_id is None:
        print("gatekeeper: set GATEKEEPER_BOT_TOKEN (it names the bot)", file=sys.stderr)
        return 2
    storage = Storage.on(create_engine(settings.database_url))
    try:
        await storage.bind(settings.bot_id)
        rules = find_group(await storage.groups.load_all(), group)
        if rules is None or not rules.enforced:
            what = "no such group" if rules is None else "that group is not protected"
            print(
                f"gatekeeper: {group}: {what}; `python3 run.py stats` lists the groups",
                file=sys.stderr,
            )
            return 2
        current = await storage.warmups.get(rules.group_id)
        if current is None or not current.active:
            asked = requested(rules.group_id, Reason.CLI, time.time(), settings.warmup_rate)
            await storage.warmups.save(asked)
        return await _watch(storage, rules, show or plain(out, rules.title), poll, pick_up)
    finally:
        await storage.close()


async def _watch(
    storage: Storage, rules: GroupRules, show: Show, poll: float, pick_up: float
) -> int:
    waited = 0.0
    while True:
        progress = await storage.warmups.get(rules.group_id)
        if progress is None:
            return 1
        show(progress)
        if progress.state is WarmupState.DONE:
            return 0
        if progress.state is WarmupState.CANCELLED:
            return 1
        if progress.state is WarmupState.REQUESTED and waited >= pick_up:
            print(
                "gatekeeper: no running bot picked the request up. Start the bot "
                "(python3 run.py): it warms the group up as soon as it runs.",
                file=sys.stderr,
            )
            return 3
        await asyncio.sleep(poll)
        waited += poll


def _bar(label: str) -> tuple[Show, Callable[[], None]]:
    """A rich progress bar, and what ends it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    task = bar.add_task(label, total=None)
    bar.start()

    def show(progress: WarmupProgress) -> None:
        what = f"{label}: {progress.phase}, {progress.not_subscribed:,} not subscribed"
        total = progress.total or None
        bar.update(task, total=total, completed=progress.verified, description=what)

    return show, bar.stop


def _run(args: argparse.Namespace, settings: Settings | None) -> int:
    assert settings is not None
    show, stop = _bar(args.group) if sys.stdout.isatty() else (None, lambda: None)
    try:
        return asyncio.run(warm(settings, args.group, show=show))
    finally:
        stop()


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("group", metavar="GROUP", help="the group's id (-100...) or its title")


COMMAND = Command(
    name="warm",
    help="check every member of a protected group now (the running bot does it)",
    examples=(
        "  python3 run.py warm -1001234567890\n"
        '  python3 run.py warm "Coffee chat"      # by its title\n'
        "  python3 run.py warm -1001234567890 | tee warm.log   # plain lines, not a bar"
    ),
    run=_run,
    arguments=_arguments,
)
