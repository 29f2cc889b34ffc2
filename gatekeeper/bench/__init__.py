"""`python run.py bench`: the real bot against bare Telethon and a naive checker, same stream.

Every configuration is a real TelegramClient with a SQLite session file over the simulated
Telegram: bare Telethon with no-op handlers (the framework's limit), a naive checker (one
GetParticipant per message per channel), and Gatekeeper from the composition root on SQLite
and PostgreSQL, with and without Redis. Each configuration's steady-state throughput is
measured against a bare Telethon client in its own process, fed the same chunks alternately.
See docs/scaling.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import telethon

from gatekeeper.bench import report
from gatekeeper.bench.runner import in_child, run_configs
from gatekeeper.bench.scales import QUICK_SCALES, SCALES, Scale, Stream
from gatekeeper.bench.verdicts import bytes_per_verdict
from gatekeeper.bench.warmup import available as warmup_available
from gatekeeper.bench.warmup import warmup_scale

ALL_SCALES = ("small", "large", "warmup")
VERDICTS = 100_000  # inserts measured for the bytes per cached verdict
VERDICTS_QUICK = 10_000


@dataclass(frozen=True)
class BenchOptions:
    scales: tuple[str, ...] = ALL_SCALES
    postgres_url: str | None = None
    redis_url: str | None = None
    quick: bool = False
    json_path: Path | None = Path("bench.json")
    messages: int | None = None  # steady-state messages, instead of the scale's own
    fork: bool = True  # each configuration in a process of its own
    warmup_members: int | None = None  # instead of 200,000 (2,000 with quick)
    sizes: dict[str, Scale] | None = None  # instead of the built-in scales (tests: tiny ones)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale", action="append", choices=[*ALL_SCALES, "all"], help="repeatable; default all"
    )
    parser.add_argument("--postgres-url", help="a PostgreSQL server (a fresh database per run)")
    parser.add_argument("--redis-url", help="a Redis server to share verdicts through")
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--json", default="bench.json", help="where to write the figures")
    parser.add_argument("--messages", type=int, help="steady-state messages per scale")
    parser.add_argument("--warmup-members", type=int, help="members of the warm-up's group")


def options_from(args: argparse.Namespace) -> BenchOptions:
    chosen = tuple(args.scale or ["all"])
    return BenchOptions(
        scales=ALL_SCALES if "all" in chosen else chosen,
        postgres_url=args.postgres_url,
        redis_url=args.redis_url,
        quick=args.quick,
        json_path=Path(args.json) if args.json else None,
        messages=args.messages,
        warmup_members=args.warmup_members,
    )


def run_bench(options: BenchOptions) -> int:
    machine = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "telethon": telethon.__version__,
        "machine": platform.machine(),
    }
    print(f"gatekeeper bench on {machine['cores']} cores{' (quick)' if options.quick else ''}")
    results: dict[str, Any] = {"machine": machine, "quick": options.quick, "scales": {}}
    tables: list[str] = []
    checks: list[tuple[str, bool]] = []
    for name in options.scales:
        if name == "warmup":

            def warm() -> dict[str, Any]:
                return warmup_scale(options.quick, options.warmup_members)

            warmed = in_child(warm) if options.fork and warmup_available() else warm()
            results["scales"]["warmup"] = warmed
            checks += report.warmup_targets(warmed)
            continue
        scale = (options.sizes or (QUICK_SCALES if options.quick else SCALES))[name]
        if options.messages:
            scale = replace(scale, messages=options.messages)
        figures = run_configs(
            scale, Stream(scale), options.postgres_url, options.redis_url, options.fork
        )
        report.add_ratios(figures)
        results["scales"][name] = {"scale": scale.__dict__, "configurations": figures}
        tables.append(report.table(name, figures))
        checks += report.targets(name, figures)
    verdict_bytes = bytes_per_verdict(VERDICTS_QUICK if options.quick else VERDICTS)
    results["bytes_per_cached_verdict"] = verdict_bytes
    checks += report.targets("", {}, verdict_bytes)
    results["targets"] = [{"target": t, "met": met} for t, met in checks]
    print("\n\n".join(tables))
    print(report.LEGEND)
    if "warmup" in results["scales"]:
        print(report.warmup_line(results["scales"]["warmup"]))
    print(f"bytes per cached verdict: {verdict_bytes:.0f}")
    print("targets:")
    for target, met in checks:
        print(f"  [{'met' if met else 'MISSED'}] {target}")
    if options.json_path is not None:
        options.json_path.write_text(json.dumps(results, indent=2) + "\n")
        print(f"figures written to {options.json_path}")
    return 0
