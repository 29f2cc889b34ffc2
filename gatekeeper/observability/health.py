"""A tiny HTTP/1.1 endpoint for operators: /metrics, /healthz (liveness), /readyz (readiness).

No framework: one request per connection, answered with Content-Length and closed. Anything it
cannot parse gets a 400; nothing a client sends can stop the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus

import structlog

from gatekeeper.observability.metrics import Metrics

log = structlog.get_logger(__name__)

ReadinessCheck = Callable[[], Awaitable[bool]]

_MAX_LINE = 8 * 1024
_MAX_HEADERS = 100
_READ_TIMEOUT = 5.0
_JSON = "application/json"
_TEXT = "text/plain; charset=utf-8"


class _BadRequest(Exception):
    pass


class HealthServer:
    """Serves the endpoints on `host:port` (port 0: any free one, see `port` once started)."""

    def __init__(
        self,
        metrics: Metrics,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        check_timeout: float = 2.0,
    ) -> None:
        self._metrics = metrics
        self._host = host
        self._requested_port = port
        self._check_timeout = check_timeout
        self._checks: dict[str, ReadinessCheck] = {}
        self._optional: set[str] = set()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    def add_check(self, name: str, check: ReadinessCheck, *, required: bool = True) -> None:
        """Registers a readiness check; /readyz passes when every required check returns True
        in time. An optional check that fails makes it "degraded": still ready (200)."""
        self._checks[name] = check
        if not required:
            self._optional.add(name)

    @property
    def port(self) -> int:
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the health server is not running")
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        if self._server is not None:
            return
        self._server = await asyncio.start_server(
            self._serve, self._host, self._requested_port, limit=_MAX_LINE
        )
        log.info("health_server_started", host=self._host, port=self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> HealthServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def readiness(self) -> dict[str, bool]:
        """Runs every check concurrently; a check that raises or times out has failed."""
        names = list(self._checks)
        results = await asyncio.gather(*(self._run_check(self._checks[name]) for name in names))
        return dict(zip(names, results, strict=True))

    async def _run_check(self, check: ReadinessCheck) -> bool:
        try:
            return bool(await asyncio.wait_for(check(), self._check_timeout))
        except Exception:  # a failing check is a "no", never a crash
            return False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            try:
                method, path = await asyncio.wait_for(_read_request(reader), _READ_TIMEOUT)
            except (
                _BadRequest,
                ValueError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
            ):
                await _respond(writer, HTTPStatus.BAD_REQUEST, b"bad request\n", _TEXT)
                return
            status, body, content_type = await self._route(method, path)
            extra = {"Allow": "GET"} if status is HTTPStatus.METHOD_NOT_ALLOWED else {}
            await _respond(writer, status, body, content_type, extra)
        except (TimeoutError, ConnectionError):
            pass
        except Exception:
            log.exception("health_request_failed")
            with contextlib.suppress(Exception):
                await _respond(writer, HTTPStatus.INTERNAL_SERVER_ERROR, b"error\n", _TEXT)
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _route(self, method: str, path: str) -> tuple[HTTPStatus, bytes, str]:
        if path not in ("/metrics", "/healthz", "/readyz"):
            return HTTPStatus.NOT_FOUND, b"not found\n", _TEXT
        if method != "GET":
            return HTTPStatus.METHOD_NOT_ALLOWED, b"method not allowed\n", _TEXT
        if path == "/healthz":
            return HTTPStatus.OK, b"ok\n", _TEXT
        if path == "/metrics":
            return HTTPStatus.OK, self._metrics.render(), self._metrics.content_type
        checks = await self.readiness()
        failing = sorted(n for n, ok in checks.items() if not ok and n not in self._optional)
        degraded = sorted(n for n, ok in checks.items() if not ok and n in self._optional)
        verdict = "fail" if failing else "degraded" if degraded else "ok"
        payload = {"status": verdict, "checks": checks, "failing": failing, "degraded": degraded}
        status = HTTPStatus.SERVICE_UNAVAILABLE if failing else HTTPStatus.OK
        return status, json.dumps(payload, sort_keys=True).encode() + b"\n", _JSON


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    """Reads the request line and the headers (ignored); returns (method, path)."""
    line = await reader.readuntil(b"\n")
    parts = line.decode("ascii").strip().split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
        raise _BadRequest(line[:80])
    method, target, _ = parts
    if not target.startswith("/"):
        raise _BadRequest(target[:80])
    for _ in range(_MAX_HEADERS):
        if (await reader.readuntil(b"\n")).strip() == b"":
            return method.upper(), target.split("?", 1)[0]
    raise _BadRequest("too many headers")


async def _respond(
    writer: asyncio.StreamWriter,
    status: HTTPStatus,
    body: bytes,
    content_type: str,
    extra: dict[str, str] | None = None,
) -> None:
    headers = {
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Connection": "close",
        "Cache-Control": "no-store",
        **(extra or {}),
    }
    head = f"HTTP/1.1 {status.value} {status.phrase}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(head.encode("ascii") + b"\r\n" + body)
    await writer.drain()
