"""Telegram may refuse a button's answer (the press expired, or it will not take the answer):
the press was still handled, the refusal is logged, and nothing escapes the handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import structlog

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say
from tests.scenarios.test_settings_panel import ask, button, rules

REFUSALS = [
    (400, "QUERY_ID_INVALID"),  # the press expired, or was answered already
    (400, "URL_INVALID"),
    (400, "USER_BOT_REQUIRED"),
    (403, "CHAT_WRITE_FORBIDDEN"),  # a refusal Telegram documents for no method of answering
]


@pytest.fixture
async def muted(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Stage]:
    """A protected group where Bob was muted for not having joined @news."""
    stage = Stage(sqlite_url, session=tmp_path / "bot.session")
    try:
        await guarded(stage, [stage.bob])
        await say(stage, stage.bob, stage.group, "hello")
        assert not stage.group.can_write(stage.bob)
        yield stage
    finally:
        await stage.stop()


def dropped(logs: list[structlog.typing.EventDict]) -> list[str]:
    return [
        str(e.get("reason"))
        for e in logs
        if e["event"] in ("answer_dropped", "answer_too_late")
        and e["log_level"] in ("info", "warning")
    ]


@pytest.mark.parametrize(("code", "message"), REFUSALS)
async def test_a_refused_answer_to_i_have_joined_still_lets_the_member_write(
    muted: Stage, code: int, message: str
) -> None:
    stage = muted
    stage.bob.join(stage.news)
    stage.sim.faults.error("SetBotCallbackAnswerRequest", code, message)
    with structlog.testing.capture_logs() as logs:
        query = await stage.bob.press(notices_for(stage.group, stage.bot, stage.bob)[-1])
        await stage.settle()

    assert not query.answered, "Telegram refused the answer"
    assert stage.group.can_write(stage.bob), "the press was handled all the same"
    assert len(dropped(logs)) == 1
    assert "handler_failed" not in [e["event"] for e in logs]


@pytest.mark.parametrize(("code", "message"), REFUSALS)
async def test_a_refused_answer_to_a_press_in_the_panel_still_changes_the_setting(
    muted: Stage, code: int, message: str
) -> None:
    stage = muted
    panel = await ask(stage, stage.carol, "/start settings")
    stage.sim.faults.error("SetBotCallbackAnswerRequest", code, message)
    with structlog.testing.capture_logs() as logs:
        query = await stage.carol.press(panel, button(panel, "Mode: enforce").data)
        await stage.settle()

    assert not query.answered
    assert rules(stage).observing, "the press was handled all the same"
    assert len(dropped(logs)) == 1
    assert "handler_failed" not in [e["event"] for e in logs]
