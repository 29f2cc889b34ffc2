"""The demo and the benchmark keep working: they run the real bot over the sim."""

from __future__ import annotations

import pytest

from gatekeeper.bench import run_bench
from gatekeeper.demo import play


async def test_the_demo_tells_the_whole_story(capsys: pytest.CaptureFixture[str]) -> None:
    assert await play() == 0
    out = capsys.readouterr().out
    assert "Protection is on" in out
    assert "-> Alice is muted, Bob can write" in out
    assert "-> Alice can write" in out
    assert "-> Bob is muted" in out
    assert "-> Eve can write" in out
    assert "-> Bob can write, Dan can write" in out


async def test_the_benchmark_runs_and_the_hot_path_costs_telegram_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run_bench(messages=500) == 0
    out = capsys.readouterr().out
    assert "Telegram requests: 0" in out
    assert "Telegram requests per member: 1.0" in out
