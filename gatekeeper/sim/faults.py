"""Injected failures: flood waits, arbitrary RPC errors, latency and dropped connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gatekeeper.sim.errors import RpcFail


def request_name(request: str | type | Any) -> str:
    """``"EditBannedRequest"`` for the string itself, the class or an instance."""
    if isinstance(request, str):
        return request
    if isinstance(request, type):
        return request.__name__
    return type(request).__name__


@dataclass
class _Rule:
    request: str
    code: int
    message: str
    times: int


class Faults:
    """Switches on failures for the next calls; ``clear()`` switches everything off.

    Rules for the same request are consumed in the order they were added.
    """

    def __init__(self) -> None:
        self._rules: list[_Rule] = []
        self.latency_seconds = 0.0
        self.drops = 0

    def flood_wait(self, request: str | type, seconds: int, times: int = 1) -> None:
        """The next ``times`` calls of ``request`` fail with ``FLOOD_WAIT_<seconds>``."""
        self.error(request, 420, f"FLOOD_WAIT_{int(seconds)}", times)

    def error(self, request: str | type, code: int, message: str, times: int = 1) -> None:
        """The next ``times`` calls of ``request`` fail with the RPC error ``code``/``message``."""
        self._rules.append(_Rule(request_name(request), code, message, times))

    def latency(self, seconds: float) -> None:
        """Every later request is answered after ``seconds`` (an asyncio.sleep); 0 turns it off."""
        self.latency_seconds = seconds

    def drop_connection(self, times: int = 1) -> None:
        """The next ``times`` requests (any class) fail with ``ConnectionError``.

        The connection itself stays up afterwards, as Telethon's sender reconnects on its own.
        """
        self.drops += times

    def clear(self) -> None:
        self._rules.clear()
        self.latency_seconds = 0.0
        self.drops = 0

    def take_drop(self) -> bool:
        if self.drops > 0:
            self.drops -= 1
            return True
        return False

    def check(self, request: Any) -> None:
        """Raise the first matching injected error for ``request`` (consuming one use)."""
        name = request_name(request)
        for rule in self._rules:
            if rule.request == name:
                rule.times -= 1
                if rule.times <= 0:
                    self._rules.remove(rule)
                raise RpcFail(rule.code, rule.message)
