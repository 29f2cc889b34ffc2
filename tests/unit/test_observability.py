"""Metrics in their own registry, and logging that never shows a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from gatekeeper.observability import Metrics, configure_logging, redact_secrets


def test_metrics_render_the_counters_after_increments() -> None:
    metrics = Metrics()
    metrics.updates.labels(kind="message").inc()
    metrics.decisions.labels(action="mute").inc(2)
    metrics.telegram_requests.labels(method="EditBannedRequest", outcome="flood_wait").inc()
    metrics.flood_wait_seconds.labels(method="EditBannedRequest").inc(17)
    metrics.membership_checks.labels(source="memory").inc()
    metrics.cache_entries.set(42)
    metrics.protected_groups.set(3)
    metrics.handler_seconds.labels(kind="message").observe(0.0003)
    text = metrics.render().decode()
    assert 'gatekeeper_updates_total{kind="message"} 1.0' in text
    assert 'gatekeeper_decisions_total{action="mute"} 2.0' in text
    assert (
        'gatekeeper_telegram_requests_total{method="EditBannedRequest",outcome="flood_wait"} 1.0'
        in text
    )
    assert 'gatekeeper_flood_wait_seconds_total{method="EditBannedRequest"} 17.0' in text
    assert 'gatekeeper_membership_checks_total{source="memory"} 1.0' in text
    assert "gatekeeper_cache_entries 42.0" in text
    assert "gatekeeper_protected_groups 3.0" in text
    assert 'gatekeeper_handler_seconds_bucket{kind="message",le="0.0005"} 1.0' in text
    assert 'gatekeeper_handler_seconds_bucket{kind="message",le="0.0001"} 0.0' in text
    for name in ("restrictions_active", "unhealthy_links", "redis_errors_total"):
        assert f"gatekeeper_{name}" in text


def test_two_metrics_objects_do_not_clash() -> None:
    first, second = Metrics(), Metrics()
    first.updates.labels(kind="message").inc()
    assert 'gatekeeper_updates_total{kind="message"} 1.0' in first.render().decode()
    assert 'kind="message"' not in second.render().decode()


def test_redaction_processor_hides_secrets() -> None:
    event = {
        "event": "connecting",
        "bot_token": "123:ABC",
        "api_hash": "deadbeef",
        "Password": "hunter2",
        "settings": {"client_secret": "s3", "api_id": 12345},
        "url": "redis://:pw@localhost:6379/0",
        "group_id": -100123,
    }
    out = redact_secrets(None, "info", dict(event))
    assert out["bot_token"] == out["api_hash"] == out["Password"] == "***"
    assert out["settings"] == {"client_secret": "***", "api_id": 12345}
    assert out["url"] == "redis://:***@localhost:6379/0"
    assert out["group_id"] == -100123
    assert out["event"] == "connecting"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    telethon_level = logging.getLogger("telethon").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("telethon").setLevel(telethon_level)
    structlog.reset_defaults()


@pytest.mark.usefixtures("restore_logging")
def test_json_logging_redacts_and_routes_stdlib_records() -> None:
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    structlog.get_logger("gatekeeper.test").info("started", token="123:SECRET", group=7)
    logging.getLogger("sqlalchemy.pool").warning("pool %s is %s", "main", "full")
    logging.getLogger("telethon.network").info("telethon chatter")  # below WARNING: hidden
    logging.getLogger("telethon.network").warning("telethon warning")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["started", "pool main is full", "telethon warning"]
    first = lines[0]
    assert first["token"] == "***" and first["group"] == 7
    assert first["level"] == "info" and first["logger"] == "gatekeeper.test"
    assert first["timestamp"].startswith("20") and "T" in first["timestamp"]
    assert lines[1]["logger"] == "sqlalchemy.pool" and lines[1]["level"] == "warning"
    assert "SECRET" not in stream.getvalue()


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("as_json", [True, False])
def test_tracebacks_never_show_frame_locals(as_json: bool) -> None:
    stream = io.StringIO()
    configure_logging("INFO", json=as_json, stream=stream)
    bot_token = "123:LOCAL-SECRET"
    try:
        raise RuntimeError("login failed")
    except RuntimeError:
        structlog.get_logger("gatekeeper.test").exception("login_failed")
        logging.getLogger("telethon.client").exception("telethon failed")
    output = stream.getvalue()
    assert "RuntimeError" in output and "login failed" in output
    assert bot_token not in output


@pytest.mark.usefixtures("restore_logging")
def test_console_logging_and_reconfiguration() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("DEBUG", stream=first)
    configure_logging("WARNING", stream=second)  # replaces its own handler, no duplicates
    log = structlog.get_logger("gatekeeper.test")
    log.info("hidden")
    log.warning("shown", password="hunter2")
    assert first.getvalue() == ""
    output = second.getvalue()
    assert "shown" in output and "hidden" not in output
    assert "hunter2" not in output and "***" in output
    with pytest.raises(ValueError):
        configure_logging("LOUD")


def test_the_light_counter_and_histogram_expose_what_prometheus_own_would() -> None:
    from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

    from gatekeeper.observability.light import LightCounter, LightHistogram

    light, heavy = CollectorRegistry(), CollectorRegistry()
    counters = (
        LightCounter("n", "Things.", ["kind"], namespace="t", registry=light),
        Counter("n", "Things.", ["kind"], namespace="t", registry=heavy),
    )
    histograms = (
        LightHistogram("s", "Time.", ["kind"], buckets=(0.1, 1.0), namespace="t", registry=light),
        Histogram("s", "Time.", ["kind"], buckets=(0.1, 1.0), namespace="t", registry=heavy),
    )
    for counter in counters:
        counter.labels(kind="a").inc()
        counter.labels(kind="b").inc(2)
    for histogram in histograms:
        for value in (0.05, 0.1, 0.5, 3.0):  # a bound is inclusive: 0.1 goes in le="0.1"
            histogram.labels(kind="a").observe(value)

    def rendered(registry: CollectorRegistry) -> list[str]:
        text = generate_latest(registry).decode()
        return [line for line in text.splitlines() if "_created" not in line]

    assert rendered(light) == rendered(heavy)
