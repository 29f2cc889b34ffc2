"""With a DSN, errors go to Sentry (here to a local capture: no network); without, nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
import structlog

from gatekeeper.observability.errors import report_errors_to_sentry
from gatekeeper.observability.logging import configure_logging
from gatekeeper.settings import Settings

TOKEN = "123456:SECRET-token-never-sent"


@pytest.fixture
def captured() -> Iterator[list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    yield events
    sentry_sdk.init()  # no DSN: the SDK is off again for the other tests


def test_sentry_is_off_without_a_dsn() -> None:
    assert report_errors_to_sentry(Settings(_env_file=None)) is False


def test_a_logged_error_becomes_a_sentry_event_without_secrets(
    captured: list[dict[str, Any]],
) -> None:
    def keep(event: Any, _hint: Any) -> None:
        captured.append(event)
        return None  # dropped here: nothing is sent anywhere

    settings = Settings(_env_file=None, sentry_dsn="https://public@127.0.0.1:9/1")
    configure_logging("INFO", json=True, stream=io.StringIO())
    assert report_errors_to_sentry(settings, before_send=keep)

    try:
        raise RuntimeError("the database is on fire")
    except RuntimeError:
        structlog.get_logger("gatekeeper.test").exception("handler_failed", token=TOKEN)
    sentry_sdk.flush()

    (event,) = captured
    assert event["level"] == "error"
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert "the database is on fire" in exception["value"]
    assert TOKEN not in repr(event)
