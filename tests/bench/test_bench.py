"""The benchmark's pieces, at tiny sizes: what each contestant asks of Telegram, the database
and Redis is counted, never timed (timings are the benchmark's, not the tests')."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gatekeeper.bench import BenchOptions, run_bench, warmup
from gatekeeper.bench.runner import Config, measure
from gatekeeper.bench.scales import BURST_UNSUBSCRIBED, BURST_WRITERS, Scale, Stream

# Two groups sharing their two channels and some of their members.
TINY = Scale(
    "small",
    groups=2,
    members=40,
    channels=2,
    channels_per_group=2,
    subscribed=0.8,
    messages=240,
    pool=60,
)


async def test_a_known_subscriber_costs_gatekeeper_no_telegram_database_or_redis_call(
    redis_url: str,
) -> None:
    stream = Stream(TINY)
    config = Config("Gatekeeper SQLite+Redis", "gatekeeper", redis_url=redis_url)

    figures = await measure(TINY, stream, config)

    steady = figures["steady"]
    assert steady["messages"] == len(stream.steady) > 100
    assert steady["telegram_calls"] == 0
    assert steady["database_calls_per_message"] == 0
    assert steady["redis_calls_per_message"] == 0


async def test_gatekeeper_checks_each_unknown_pair_once_even_when_newcomers_write_at_once(
    sqlite_url: str,
) -> None:
    stream = Stream(TINY)

    figures = await measure(TINY, stream, Config("Gatekeeper SQLite", "gatekeeper"))

    first, burst = figures["first_pass"], figures["burst"]
    assert first["unknown_pairs"] == len(stream.unknown_pairs())
    assert first["channel_checks"] <= 1.05 * first["unknown_pairs"]
    assert burst["writers"] == BURST_WRITERS
    assert burst["unknown_pairs"] == BURST_WRITERS * TINY.channels_per_group
    assert burst["channel_checks"] <= 1.05 * burst["unknown_pairs"]
    assert burst["mutes_and_releases"] == BURST_UNSUBSCRIBED  # nobody subscribed is muted
    assert burst["group_lookups"] <= burst["mutes_and_releases"]  # at most one per mute


async def test_the_naive_checker_asks_telegram_once_per_message_per_channel() -> None:
    stream = Stream(TINY)

    figures = await measure(TINY, stream, Config("naive checker", "naive"))

    per_message = TINY.channels_per_group
    assert figures["steady"]["channel_checks"] == len(stream.steady) * per_message
    assert figures["first_pass"]["channel_checks"] >= len(stream.first_pass)
    assert figures["burst"]["channel_checks"] == figures["burst"]["messages"] * per_message


async def test_bare_telethon_beside_the_bot_handles_the_same_chunks_first_as_often_as_second() -> (
    None
):
    stream = Stream(TINY)

    figures = await measure(TINY, stream, Config("Gatekeeper SQLite", "gatekeeper"))

    steady = figures["steady"]
    bare = steady["bare"]
    assert steady["messages"] == bare["messages"] == len(stream.steady)
    assert steady["handled"] == bare["handled"] == len(stream.steady)  # each update once each
    assert steady["chunks"] >= 8 and len(steady["chunk_ratios"]) == steady["chunks"]
    assert steady["bare_first"] == steady["bare_second"] == steady["chunks"] // 2  # ABBA
    assert steady["companion_telegram_calls"] == steady["telegram_calls"] == 0
    low, median, high = (steady[f"throughput_vs_bare{s}"] for s in ("_p25", "", "_p75"))
    assert 0 < low <= median <= high


async def test_bare_telethon_handles_the_same_stream_and_asks_nothing() -> None:
    stream = Stream(TINY)

    figures = await measure(TINY, stream, Config("bare Telethon", "bare"))

    assert figures["steady"]["messages"] == len(stream.steady)
    assert figures["first_pass"]["channel_checks"] == figures["steady"]["telegram_calls"] == 0


@pytest.mark.postgres
async def test_gatekeeper_on_postgresql_keeps_the_database_off_the_hot_path(
    postgres_server_url: str,
) -> None:
    config = Config(
        "Gatekeeper PostgreSQL", "gatekeeper", "postgres", postgres_url=postgres_server_url
    )

    figures = await measure(TINY, Stream(TINY), config)

    assert figures["steady"]["database_calls_per_message"] == 0
    assert figures["first_pass"]["database_calls_per_message"] > 0  # mutes are recorded


def test_the_report_holds_every_figure_and_says_what_was_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bench.json"
    options = BenchOptions(
        scales=("small", "warmup"), json_path=path, fork=False, quick=True, sizes={"small": TINY}
    )

    assert run_bench(options) == 0

    results = json.loads(path.read_text())
    assert results["machine"]["cores"] >= 1
    configurations = results["scales"]["small"]["configurations"]
    assert configurations["Gatekeeper PostgreSQL"] == {
        "skipped": "skipped: no --postgres-url given"
    }
    for name in ("bare Telethon", "naive checker", "Gatekeeper SQLite"):
        figures = configurations[name]
        for phase in ("first_pass", "steady", "burst"):
            assert {"telegram_calls_per_1000", "channel_checks"} <= figures[phase].keys()
        assert {"updates_per_second", "p50_us", "p99_us"} <= figures["steady"].keys()
        assert figures["peak_rss_mb"] > 0
    for name in ("naive checker", "Gatekeeper SQLite"):
        steady = configurations[name]["steady"]
        assert configurations[name]["throughput_vs_bare"] == steady["throughput_vs_bare"] > 0
        assert steady["bare"]["messages"] == steady["messages"]
    assert "throughput_vs_bare" not in configurations["bare Telethon"]  # it has no pair
    warmed = results["scales"]["warmup"]
    assert warmed["state"] == "done" and warmed["muted_by_warmup"] == 0
    assert results["bytes_per_cached_verdict"] > 0
    assert results["targets"]
    out = capsys.readouterr().out
    assert "Gatekeeper SQLite" in out and "skipped: no --redis-url given" in out
    assert "p25-p75" in out and "ABBA" in out


async def test_the_warm_up_scale_verifies_everyone_and_mutes_nobody_or_says_it_cannot() -> None:
    assert warmup.available()
    figures = await warmup.measure_warmup(300)

    assert figures["state"] == "done"
    assert figures["verified"] == figures["listed_total"] >= 300
    assert figures["muted_by_warmup"] == 0
    assert figures["channel_checks"] <= 1.05 * 300
