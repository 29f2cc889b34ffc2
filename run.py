#!/usr/bin/env python3
"""Operator entry point: `python3 run.py [run|demo|migrate|...]` (see README.md).

On a machine without the dependencies it first makes `.venv/` beside this file, installs the
project into it, and re-runs itself there.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
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


def _missing() -> list[str]:
    return [name for name in REQUIRED if importlib.util.find_spec(name) is None]


def _bootstrap() -> None:
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        raise SystemExit(
            "gatekeeper: dependencies are missing from .venv; run: .venv/bin/pip install -e ."
        )
    if not python.exists():
        print(
            "gatekeeper: first run, creating .venv/ and installing dependencies...", file=sys.stderr
        )
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    ready = subprocess.run(
        [str(python), "-c", "import " + ", ".join(REQUIRED)], capture_output=True, check=False
    )
    if ready.returncode != 0:
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "-e", str(ROOT)], check=True)
    os.execv(str(python), [str(python), str(ROOT / "run.py"), *sys.argv[1:]])


if __name__ == "__main__":
    if _missing():
        _bootstrap()
    from gatekeeper.cli import main

    sys.exit(main())
