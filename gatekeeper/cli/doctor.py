"""`gatekeeper doctor`: what is wrong, line by line, with what to do about it."""

from __future__ import annotations

import sys
from typing import TextIO

from telethon import TelegramClient

from gatekeeper.cli.command import Command, json_flag, print_json, print_table, report_command
from gatekeeper.cli.diagnosis import Status, diagnose, summary
from gatekeeper.settings import Settings

MARKS = {Status.OK: "ok", Status.WARN: "WARN", Status.FAIL: "FAIL"}


async def doctor(
    settings: Settings,
    client: TelegramClient | None = None,
    *,
    as_json: bool = False,
    out: TextIO | None = None,
) -> int:
    """Prints the findings; 1 when any check failed, else 0."""
    out = out or sys.stdout
    findings = await diagnose(settings, client)
    report = summary(findings)
    if as_json:
        print_json(report, out)
    else:
        rows = [(f.check, MARKS[f.status], f.detail, f.fix) for f in findings]
        print_table(rows, ("check", "status", "detail", "what to do"), out)
        print("all good" if report["ok"] else "something is wrong: see FAIL lines", file=out)
    return 0 if report["ok"] else 1


COMMAND = Command(
    name="doctor",
    help="check settings, database, Redis, session and the bot's rights in every group",
    examples=(
        "  python3 run.py doctor\n"
        "  python3 run.py doctor --json | jq '.findings[] | select(.status != \"ok\")'\n"
        "exit status: 0 when nothing failed, 1 otherwise"
    ),
    run=report_command(doctor),
    arguments=json_flag,
)
