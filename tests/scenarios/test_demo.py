"""The demo keeps working: it runs the real bot over the sim."""

from __future__ import annotations

import pytest

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
    assert (
        "🛡 Защита включена" in out
        and "(alert to Farah, in her own language) هنوز نه: لطفاً در \u2068@news\u2069" in out
    )
    assert "только для читателей" in out
