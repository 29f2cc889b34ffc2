"""Logs: JSON off a terminal, console lines on one; every action line says group, member,
action and reason."""

from __future__ import annotations

import io
import json

import structlog

from gatekeeper.observability.logging import ACTION_LINES, configure_logging


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_the_log_is_json_and_on_one_it_is_console_lines() -> None:
    piped = io.StringIO()
    configure_logging("INFO", stream=piped)
    structlog.get_logger("t").info("started", bot="gatekeeper_bot")
    assert json.loads(piped.getvalue())["event"] == "started"

    terminal = Terminal()
    configure_logging("INFO", stream=terminal)
    structlog.get_logger("t").info("started", bot="gatekeeper_bot")
    line = terminal.getvalue()
    assert "started" in line and "bot" in line and not line.startswith("{")

    forced = Terminal()
    configure_logging("INFO", json=True, stream=forced)
    structlog.get_logger("t").info("started")
    assert json.loads(forced.getvalue())["event"] == "started"
    configure_logging("INFO")


def test_every_action_line_carries_group_member_action_and_reason() -> None:
    out = io.StringIO()
    configure_logging("INFO", json=True, stream=out)
    log = structlog.get_logger("t")
    for event in ACTION_LINES:
        log.info(event, group_id=-1001, user_id=42)
    log.warning("action_postponed", action="Mute(group_id=-1002, user_id=7, missing=(1,))")
    log.info("muted", group_id=-1003, user_id=8, missing=[-1009])
    configure_logging("INFO")

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == len(ACTION_LINES) + 2
    for line in lines:
        assert {"group", "member", "action", "reason"} <= set(line), line
        assert line["group"] is not None and line["member"] is not None and line["reason"]
    postponed, muted = lines[-2:]
    assert (postponed["group"], postponed["member"], postponed["action"]) == (
        -1002,
        7,
        "postpone:mute",
    )
    assert muted["reason"] == "not subscribed to -1009"
