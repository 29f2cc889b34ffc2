#!/usr/bin/env python3
"""Operator entry point: `python3 run.py [COMMAND]` (see README.md, `--help`).

On a machine without the dependencies it first makes `.venv/` beside this file, installs the
project into it (one short line per step; pip's own output only if a step fails), and re-runs
itself there.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIRED = (
    "telethon",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "alembic",
    "redis",
    "structlog",
    "prometheus_client",
    "pydantic_settings",
)
TAIL = 25  # lines of a failed step's output worth showing


def _missing() -> list[str]:
    return [name for name in REQUIRED if importlib.util.find_spec(name) is None]


def say(text: str) -> None:
    print(f"gatekeeper: {text}", file=sys.stderr, flush=True)


def step(label: str, command: Sequence[str]) -> None:
    """Runs one install step quietly; on failure shows the end of its output and stops."""
    say(label)
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        print("\n".join(output[-TAIL:]), file=sys.stderr)
        raise SystemExit(f"gatekeeper: that step failed (exit {done.returncode}); see above")


def _bootstrap() -> None:
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        raise SystemExit(
            "gatekeeper: dependencies are missing from .venv; run: .venv/bin/pip install -e ."
        )
    if not python.exists():
        say("first run on this machine: setting up (once)")
        step("1/2 creating .venv/", [sys.executable, "-m", "venv", str(VENV)])
    ready = subprocess.run(
        [str(python), "-c", "import " + ", ".join(REQUIRED)], capture_output=True, check=False
    )
    if ready.returncode != 0:
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input", "install"]
        label = "2/2 installing Gatekeeper and its libraries into .venv/ (a minute or two)"
        step(label, [*pip, "--quiet", "-e", str(ROOT)])
        say("done: everything is installed; starting")
    os.execv(str(python), [str(python), str(ROOT / "run.py"), *sys.argv[1:]])


if __name__ == "__main__":
    if _missing():
        _bootstrap()
    from gatekeeper.cli import main

    sys.exit(main())
