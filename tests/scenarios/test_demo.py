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
    assert "-> Finn is in the group and can write (within his grace)" in out
    assert "-> Finn is in the group and is muted (the grace is over)" in out
    assert "-> Gina is in the group and can write (approved at once)" in out
    assert "(private, to Hank): 👋 To join" in out
    assert "-> Hank is not in the group (the request waits)" in out
    assert "-> Hank is in the group and can write" in out
    assert (
        "🛡 Защита включена" in out
        and "(alert to Farah, in her own language) هنوز نه: لطفاً در \u2068@news\u2069" in out
    )
    assert "только для читателей" in out
    assert "[Mode: enforce]" in out and "(toast to Carol) Saved: notice 5m" in out
    assert "📒 From now on I log here" in out and "] 🔇 " in out and "\u2068Alice (" in out
