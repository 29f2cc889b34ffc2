"""Injected failures: flood waits, arbitrary RPC errors, latency, dropped and lost connections.

`flood_limit` is Telegram's own behaviour rather than a one-off fault: at most `calls` requests
of one type in any `per_seconds` (by the sim's clock), the rest turned away with FLOOD_WAIT
for as long as the window needs to free a slot. Telegram publishes no figure for
getParticipant(s), but it does flood-wait each request type on its own, as this does.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
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
    after: int = 0  # matching calls still let through before the rule bites


@dataclass
class _Limit:
    calls: int
    per_seconds: float
    sent: deque[float] = field(default_factory=deque)


class Faults:
    """Switches on failures for the next calls; ``clear()`` switches everything off.

    Rules for the same request are consumed in the order they were added.
    """

    def __init__(self) -> None:
        self._rules: list[_Rule] = []
        self.latency_seconds = 0.0
        self.drops = 0
        self.losses = 0
        self._limits: dict[str, _Limit] = {}
        self.flood_waits = 0  # FLOOD_WAIT answers given by flood limits
        self.withheld: set[str] = set()  # update types not pushed (see `withhold`)

    def flood_limit(self, request: str | type, *, calls: int, per_seconds: float) -> None:
        """From now on, at most `calls` requests of this type in any `per_seconds`."""
        if calls < 1 or per_seconds <= 0:
            raise ValueError("a flood limit needs at least one call per positive period")
        self._limits[request_name(request)] = _Limit(calls, per_seconds)

    def flood_wait(
        self, request: str | type, seconds: int, times: int = 1, *, after: int = 0
    ) -> None:
        """The next ``times`` calls of ``request`` (once ``after`` more have gone through)
        fail with ``FLOOD_WAIT_<seconds>``."""
        self.error(request, 420, f"FLOOD_WAIT_{int(seconds)}", times, after=after)

    def error(
        self, request: str | type, code: int, message: str, times: int = 1, *, after: int = 0
    ) -> None:
        """The next ``times`` calls of ``request`` (once ``after`` more have gone through)
        fail with the RPC error ``code``/``message``."""
        self._rules.append(_Rule(request_name(request), code, message, times, after))

    def withhold(self, update: str | type) -> None:
        """Updates of this type (``"UpdateChannelParticipant"``) are no longer pushed live:
        a server that tells an event another way, or late. They still count in pts/qts, so
        a later gap check or difference may bring them."""
        self.withheld.add(request_name(update))

    def latency(self, seconds: float) -> None:
        """Every later request is answered after ``seconds`` (an asyncio.sleep); 0 turns it off."""
        self.latency_seconds = seconds

    def drop_connection(self, times: int = 1) -> None:
        """The connection drops under each of the next ``times`` requests, after Telegram has
        carried the request out and before its answer arrives.

        As Telethon's sender does, the client reconnects on a new session and sends the
        request again, so Telegram carries it out a second time and the caller sees only the
        last answer. Telegram's own deduplication still holds: a message re-sent with the
        same ``random_id`` is answered with the one first sent (see `SimTelegram.dispatch`).
        """
        self.drops += times

    def lose_connection(self) -> None:
        """The connection drops under the next request and every reconnection fails, as when
        Telethon gives up after its retries: that request fails with ``ConnectionError``, the
        client is disconnected (``client.disconnected`` ends with the error) and every later
        request fails at once until the client connects again."""
        self.losses += 1

    def clear(self) -> None:
        self._rules.clear()
        self._limits.clear()
        self.withheld.clear()
        self.latency_seconds = 0.0
        self.drops = 0
        self.losses = 0

    def take_loss(self) -> bool:
        if self.losses > 0:
            self.losses -= 1
            return True
        return False

    def take_drop(self) -> bool:
        if self.drops > 0:
            self.drops -= 1
            return True
        return False

    def check(self, request: Any, now: float = 0.0) -> None:
        """Raise the first matching injected error for ``request`` (consuming one use), or
        FLOOD_WAIT when its type is over its flood limit at `now`."""
        name = request_name(request)
        limit = self._limits.get(name)
        if limit is not None:
            self._within(limit, now)
        for rule in self._rules:
            if rule.request == name:
                if rule.after > 0:
                    rule.after -= 1
                    return
                rule.times -= 1
                if rule.times <= 0:
                    self._rules.remove(rule)
                raise RpcFail(rule.code, rule.message)

    def _within(self, limit: _Limit, now: float) -> None:
        sent = limit.sent
        while sent and now - sent[0] >= limit.per_seconds:
            sent.popleft()
        if len(sent) >= limit.calls:
            self.flood_waits += 1
            wait = max(1, math.ceil(sent[0] + limit.per_seconds - now))
            raise RpcFail(420, f"FLOOD_WAIT_{wait}")
        sent.append(now)
