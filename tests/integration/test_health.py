"""The health endpoint over a real socket on 127.0.0.1 (an ephemeral port)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import CONTENT_TYPE_LATEST

from gatekeeper.observability import HealthServer, Metrics
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded


async def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Sends raw bytes; returns (status, headers, body) of the response."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 5)  # the server closes the connection
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("ascii").split("\r\n")
    version, status, _ = status_line.split(" ", 2)
    assert version == "HTTP/1.1"
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(": ")
        headers[name.lower()] = value
    assert int(headers["content-length"]) == len(body)
    return int(status), headers, body


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()


@pytest.fixture
async def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
async def server(metrics: Metrics) -> AsyncIterator[HealthServer]:
    health = HealthServer(metrics, host="127.0.0.1", port=0)
    await health.start()
    yield health
    await health.stop()


async def test_healthz(server: HealthServer) -> None:
    assert server.port > 0
    status, headers, body = await exchange(server.port, get("/healthz"))
    assert (status, body) == (200, b"ok\n")
    assert headers["connection"] == "close"


async def test_metrics(server: HealthServer, metrics: Metrics) -> None:
    metrics.updates.labels(kind="message").inc(3)
    status, headers, body = await exchange(server.port, get("/metrics?x=1"))
    assert status == 200
    assert headers["content-type"] == CONTENT_TYPE_LATEST
    assert b'gatekeeper_updates_total{kind="message"} 3.0' in body


async def test_readyz_follows_the_checks(server: HealthServer) -> None:
    redis_up = True

    async def redis_check() -> bool:
        return redis_up

    async def telegram_check() -> bool:
        return True

    server.add_check("redis", redis_check)
    server.add_check("telegram", telegram_check)
    status, headers, body = await exchange(server.port, get("/readyz"))
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"redis": True, "telegram": True},
        "failing": [],
        "degraded": [],
    }

    redis_up = False
    status, _, body = await exchange(server.port, get("/readyz"))
    assert status == 503
    assert json.loads(body)["failing"] == ["redis"]


async def test_an_optional_check_failing_degrades_but_stays_ready(server: HealthServer) -> None:
    async def down() -> bool:
        raise ConnectionError("redis is down")

    async def up() -> bool:
        return True

    server.add_check("telegram", up)
    server.add_check("redis", down, required=False)
    status, _, body = await exchange(server.port, get("/readyz"))
    assert status == 200
    payload = json.loads(body)
    assert payload["status"] == "degraded"
    assert (payload["failing"], payload["degraded"]) == ([], ["redis"])


async def test_a_raising_or_hanging_check_fails_readiness(metrics: Metrics) -> None:
    async def broken() -> bool:
        raise RuntimeError("database is on fire")

    async def hanging() -> bool:
        await asyncio.sleep(60)
        return True

    async with HealthServer(metrics, check_timeout=0.05) as server:
        server.add_check("database", broken)
        server.add_check("telegram", hanging)
        status, _, body = await exchange(server.port, get("/readyz"))
    assert status == 503
    assert json.loads(body)["failing"] == ["database", "telegram"]


async def test_unknown_path_is_404(server: HealthServer) -> None:
    status, _, _ = await exchange(server.port, get("/admin"))
    assert status == 404


async def test_non_get_is_405(server: HealthServer) -> None:
    request = b"POST /healthz HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
    status, headers, _ = await exchange(server.port, request)
    assert status == 405
    assert headers["allow"] == "GET"


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\x01\xffgarbage\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /healthz SPDY/9\r\n\r\n",
        b"GET healthz HTTP/1.1\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\n",  # headers never end: the client gives up
        b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\n\r\n",
    ],
)
async def test_garbage_gets_400_and_the_server_survives(
    server: HealthServer, garbage: bytes
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(garbage)
    writer.write_eof()
    raw = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    await writer.wait_closed()
    assert raw.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    status, _, _ = await exchange(server.port, get("/healthz"))
    assert status == 200


async def test_a_silent_or_vanishing_client_does_not_hurt(server: HealthServer) -> None:
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.close()  # connects and leaves
    await writer.wait_closed()
    _, idle = await asyncio.open_connection("127.0.0.1", server.port)  # connects, says nothing
    status, _, _ = await exchange(server.port, get("/healthz"))
    assert status == 200
    await server.stop()  # with the idle connection still open
    idle.close()
    await idle.wait_closed()
    with pytest.raises(RuntimeError):
        _ = server.port


async def test_the_running_bot_is_ready_with_redis_down_and_says_it_is_degraded(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    stage = Stage(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        redis_url=f"redis://127.0.0.1:{dead}/0",
        health_port=0,
    )
    try:
        await guarded(stage)
        assert stage.app is not None and stage.app.health is not None
        port = stage.app.health.port
        status, _, body = await exchange(port, get("/readyz"))
        payload = json.loads(body)
        assert status == 200
        assert payload["status"] == "degraded"
        assert payload["degraded"] == ["redis"]
        assert payload["checks"]["database"] and payload["checks"]["telegram"]
        status, _, body = await exchange(port, get("/healthz"))
        assert (status, body) == (200, b"ok\n")
    finally:
        await stage.stop()


async def test_the_running_bot_with_redis_and_a_database_is_ready(
    tmp_path: Path, redis_url: str
) -> None:
    stage = Stage(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", redis_url=redis_url, health_port=0
    )
    try:
        await guarded(stage)
        assert stage.app is not None and stage.app.health is not None
        port = stage.app.health.port
        status, _, body = await exchange(port, get("/readyz"))
        assert status == 200
        assert json.loads(body)["checks"] == {
            "database": True,
            "redis": True,
            "started": True,
            "telegram": True,
        }
        await stage.app.storage.engine.dispose()
        # The database file vanishes from under the bot: readiness fails, naming it.
        (tmp_path / "db.sqlite").unlink()
        (tmp_path / "db.sqlite").mkdir()
        status, _, body = await exchange(port, get("/readyz"))
        assert status == 503
        assert json.loads(body)["failing"] == ["database"]
        (tmp_path / "db.sqlite").rmdir()
    finally:
        await stage.stop()
