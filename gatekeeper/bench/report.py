"""The benchmark's table, its ratios against the baselines of the same run, and the targets."""

from __future__ import annotations

from typing import Any

from gatekeeper.bench.phases import Figures

BARE = "bare Telethon"
NAIVE = "naive checker"
THROUGHPUT_TARGET = 0.8
CHECKS_TARGET = 1.05
VERDICT_BYTES_TARGET = 200

_COLUMNS = (
    ("configuration", 28),
    ("x bare", 6),
    ("p25-p75", 9),
    ("upd/s", 7),
    ("bare/s", 7),
    ("p50 µs", 7),
    ("p99 µs", 7),
    ("TG/1k", 6),
    ("TG/1k 1st", 9),
    ("chk/pair", 8),
    ("burst", 6),
    ("look/mute", 9),
    ("DB/msg", 6),
    ("Rd/msg", 6),
    ("RSS MB", 6),
)


def add_ratios(results: dict[str, Figures]) -> None:
    """Each configuration's throughput against bare Telethon's beside it in its own process
    (measured there, chunk by chunk), its first messages' calls against the naive checker's."""
    naive = results.get(NAIVE, {}).get("first_pass", {}).get("telegram_calls")
    for figures in results.values():
        steady, first = figures.get("steady"), figures.get("first_pass")
        if steady is None or first is None:
            continue
        if "throughput_vs_bare" in steady:
            figures["throughput_vs_bare"] = steady["throughput_vs_bare"]
        if naive:
            figures["first_pass_calls_vs_naive"] = first["telegram_calls"] / naive


def table(scale: str, results: dict[str, Figures]) -> str:
    lines = [f"scale {scale}", "  " + " ".join(name.rjust(w) for name, w in _COLUMNS)]
    for name, figures in results.items():
        if "steady" not in figures:
            reason = figures.get("skipped") or figures.get("error")
            lines.append(f"  {name.rjust(_COLUMNS[0][1])} {reason}")
            continue
        steady, first, burst = figures["steady"], figures["first_pass"], figures["burst"]
        mutes = burst["mutes_and_releases"]
        paired = "throughput_vs_bare_p25" in steady
        bare = steady.get("bare", {})
        cells = (
            name,
            _num(steady.get("throughput_vs_bare"), "{:.2f}"),
            f"{steady['throughput_vs_bare_p25']:.2f}-{steady['throughput_vs_bare_p75']:.2f}"
            if paired
            else "-",
            f"{steady['updates_per_second']:,.0f}",
            _num(bare.get("updates_per_second"), "{:,.0f}"),
            f"{steady['p50_us']:.0f}",
            f"{steady['p99_us']:.0f}",
            f"{steady['telegram_calls_per_1000']:.1f}",
            f"{first['telegram_calls_per_1000']:.0f}",
            f"{first['checks_per_unknown_pair']:.2f}",
            f"{burst['checks_per_unknown_pair']:.2f}",
            _num(burst["group_lookups"] / mutes if mutes else None, "{:.2f}"),
            _num(steady["database_calls_per_message"], "{:.2f}"),
            _num(steady["redis_calls_per_message"], "{:.2f}"),
            f"{figures['peak_rss_mb']:.0f}",
        )
        lines.append("  " + " ".join(c.rjust(w) for c, (_, w) in zip(cells, _COLUMNS, strict=True)))
    return "\n".join(lines)


LEGEND = """\
  x bare: steady-state throughput against bare Telethon, measured in the configuration's own
  process: bare Telethon logged in beside it as a second bot, the same messages made ready for
  both and fed in chunks, to one then the other (the order alternating, ABBA); the median of
  the per-chunk ratios, and their 25th-75th percentiles (p25-p75). upd/s, bare/s: the median
  chunk's updates per CPU-second of the event loop, the sim's own time taken out (context
  only: they move with the machine's load; bare Telethon's own row ran alone in its process);
  p50/p99: dispatch to handlers done, steady state; TG/1k: Telegram calls per 1,000 messages
  (steady, and on each writer's first message); chk/pair: channel checks per distinct
  (channel, member) pair with an unknown verdict (first pass, and the 50-newcomer burst);
  look/mute: look-ups in the group per mute in the burst; DB, Rd: database statements and
  Redis commands per steady-state message; RSS: the process's peak RSS (the sim and its world
  included, and the bare Telethon client beside the configuration)."""


def targets(
    scale: str, results: dict[str, Figures], verdict_bytes: float | None = None
) -> list[tuple[str, bool]]:
    """Issue 7's targets for every Gatekeeper configuration that ran."""
    checks: list[tuple[str, bool]] = []
    for name, figures in results.items():
        if not name.startswith("Gatekeeper") or "steady" not in figures:
            continue
        name = f"{scale}, {name}"
        steady = figures["steady"]
        ratio = figures.get("throughput_vs_bare", 0.0)
        hot = [steady["telegram_calls"], steady["database_calls_per_message"] or 0]
        hot.append(steady["redis_calls_per_message"] or 0)
        checks += [
            (
                f"{name}: steady state {ratio:.3f}x bare (median of chunks, same process)"
                f" >= {THROUGHPUT_TARGET}x",
                ratio >= THROUGHPUT_TARGET,
            ),
            (f"{name}: 0 Telegram, DB, Redis calls per hot-path message", not any(hot)),
            (
                f"{name}: checks <= {CHECKS_TARGET}x unknown pairs (first pass, burst)",
                figures["first_pass"]["checks_per_unknown_pair"] <= CHECKS_TARGET
                and figures["burst"]["checks_per_unknown_pair"] <= CHECKS_TARGET,
            ),
        ]
    if verdict_bytes is not None:
        checks.append(
            (
                f"bytes per cached verdict {verdict_bytes:.0f} < {VERDICT_BYTES_TARGET}",
                verdict_bytes < VERDICT_BYTES_TARGET,
            )
        )
    return checks


def warmup_line(figures: Figures) -> str:
    members = figures.get("members", 0)
    reason = figures.get("skipped") or figures.get("error")
    if reason:
        return f"scale warmup ({members:,} members): {reason}"
    f = figures
    return (
        f"scale warmup: {members:,} members ({f['subscribed']:,} subscribed), {f['state']}: "
        f"verified {f['verified']:,} of {f['listed_total']:,}, {f['not_subscribed']:,} not "
        f"subscribed; {f['channel_checks']:,} channel checks, {f['listing_pages']:,} listing "
        f"pages; flood waits given {f['flood_waits_given']} ({f['pauses']} pauses); muted by "
        f"the warm-up {f['muted_by_warmup']}; {f['real_seconds']:.0f} s real, "
        f"{f['simulated_seconds']:.0f} s simulated; peak RSS {f['peak_rss_mb']:.0f} MB"
    )


def warmup_targets(figures: Figures) -> list[tuple[str, bool]]:
    if "state" not in figures:
        return []
    return [
        (
            "warm-up: finished, every flood wait honoured (none escaping)",
            figures["state"] == "done",
        ),
        ("warm-up: nobody muted under the default setting", figures["muted_by_warmup"] == 0),
    ]


def _num(value: Any, style: str) -> str:
    return "-" if value is None else style.format(value)
