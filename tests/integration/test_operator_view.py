"""What an operator sees: health, readiness and metrics of the running bot, and migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gatekeeper.cli import main
from gatekeeper.sim.stage import Stage
from tests.integration.test_migrations import HEAD
from tests.scenarios.helpers import protect, say


async def http_get(port: int, path: str) -> tuple[int, str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    await writer.drain()
    raw = (await reader.read()).decode()
    writer.close()
    await writer.wait_closed()
    head, _, body = raw.partition("\r\n\r\n")
    return int(head.split()[1]), body


async def test_the_running_bot_reports_health_readiness_and_what_it_did(tmp_path: Path) -> None:
    stage = Stage(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", health_port=0)
    try:
        stage.make_admin(stage.group)
        stage.make_admin(stage.news)
        stage.alice.join(stage.group)
        app = await stage.start()
        await protect(stage, stage.news)
        await say(stage, stage.alice, stage.group, "hi")
        assert app.health is not None
        port = app.health.port

        assert await http_get(port, "/healthz") == (200, "ok\n")
        status, ready = await http_get(port, "/readyz")
        assert status == 200 and '"telegram": true' in ready
        status, metrics = await http_get(port, "/metrics")
        assert status == 200
        assert 'gatekeeper_decisions_total{action="mute"} 1.0' in metrics
        assert 'gatekeeper_updates_total{kind="message"}' in metrics
        assert "gatekeeper_restrictions_active 1.0" in metrics
        assert "gatekeeper_protected_groups 1.0" in metrics

        await app.client.disconnect()
        status, ready = await http_get(port, "/readyz")
        assert status == 503 and "telegram" in ready
    finally:
        await stage.stop()


def test_migrate_command_moves_the_schema_up_and_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    monkeypatch.setenv("GATEKEEPER_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)

    assert main(["migrate"]) == 0
    assert main(["migrate", "base", "--down"]) == 0
    assert main(["migrate"]) == 0
    err = capsys.readouterr().err
    assert err.count(f"database at revision {HEAD}") == 2
    assert "database at revision base" in err
