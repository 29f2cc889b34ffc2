"""How the bot takes updates in: a bounded number at a time, timed and counted, held back
until the bot is ready, refused once it closes (their members are then owed a re-check), and
whom one that met the database away was about looked at again later."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from telethon import TelegramClient, events

from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.gate import Gate
from gatekeeper.telegram.database_away import database_away
from gatekeeper.telegram.owed import owed
from gatekeeper.telegram.slots import Slots

log = structlog.get_logger(__name__)

JOINING = frozenset({"join", "participant", "join_handled"})  # may tell of a joining


def never(event: Any) -> bool:
    return False


def add_handlers(
    client: TelegramClient, handlers: list[tuple[Callable[[Any], Awaitable[None]], Any]]
) -> None:
    """Register guarded handlers on the client."""
    # Telethon offers every update to every builder: the raw ones share one builder, so
    # that a message meets one type check for them rather than one per raw handler.
    raw: dict[type, list[Callable[[Any], Awaitable[None]]]] = {}
    for callback, builder in handlers:
        if isinstance(builder, events.Raw) and builder.types and builder.func is None:
            for kind in builder.types if isinstance(builder.types, tuple) else [builder.types]:
                raw.setdefault(kind, []).append(callback)
        else:
            client.add_event_handler(callback, builder)
    if raw:

        async def route(update: Any) -> None:
            for callback in raw.get(type(update), ()):
                await callback(update)

        client.add_event_handler(route, events.Raw(list(raw)))


class Intake:
    """Guards every handler the bot registers, and knows which updates are still in hand."""

    def __init__(self, metrics: Metrics, concurrency: int, gate: Gate) -> None:
        self._metrics = metrics
        self._gate = gate
        self._slots = Slots(concurrency)
        # Presses get slots of their own: an answer is due within seconds, whatever the backlog.
        self._press_slots = Slots(max(1, concurrency // 4))
        self.ready = asyncio.Event()  # set once the bot knows who it is and what it guards
        self.me_id = 0
        self.closed = False  # once shutting down: updates are no longer taken
        self._also: list[tuple[Callable[[Any], Awaitable[None]], Any]] = []
        self._refused: list[tuple[int, int]] = []  # members of updates come after close()
        self._inflight: dict[asyncio.Task[Any], Any] = {}  # -> the update it handles

    def also(
        self,
        kind: str,
        handler: Callable[[Any], Awaitable[None]],
        builder: Any,
        *,
        presses: bool = False,
        counted: bool = True,
    ) -> None:
        """Another module's handler, registered (and guarded) with these; `counted=False`
        for one that listens to updates another handler counts already."""
        slots = self._press_slots if presses else None
        counts = None if counted else never
        self._also.append((self._guard(kind, handler, slots, counts), builder))

    def close(self) -> None:
        """Take no more updates (shutdown): those already taken still finish (`finish`); the
        members of those that come now are owed a re-check (`unfinished`), since Telegram
        counts them as delivered."""
        self.closed = True

    @property
    def busy(self) -> bool:
        return bool(self._inflight)

    def unfinished(self) -> list[tuple[int, int]]:
        """(chat id, user id) of every member an update still in hand, or refused, is about."""
        taken = (pair for event in self._inflight.values() for pair in owed(event))
        return [pair for pair in (*self._refused, *taken) if pair[1] != self.me_id]

    async def finish(self) -> None:
        """Until every update taken so far has been handled."""
        while self._inflight:
            await asyncio.gather(*list(self._inflight), return_exceptions=True)

    def _guard(
        self,
        kind: str,
        handler: Callable[[Any], Awaitable[None]],
        slots: Slots | None = None,
        counts: Callable[[Any], bool] | None = None,
    ) -> Callable[[Any], Awaitable[None]]:
        """Bound concurrency, time the handler and keep one bad update from going unnoticed;
        the update is counted in `updates_total` unless `counts` says another handler does."""
        bound = slots or self._slots
        counted = self._metrics.updates.labels(kind=kind)  # resolved once, not per update
        timed = self._metrics.handler_seconds.labels(kind=kind)

        async def guarded(event: Any) -> None:
            task = asyncio.current_task()
            if self.closed or task is None:
                self._refused.extend(owed(event))
                return
            self._inflight[task] = event  # whom it is about is worked out only if cut short
            try:
                if not self.ready.is_set():
                    await self.ready.wait()
                if not bound.try_take():
                    await bound.take()
                try:
                    if counts is None or counts(event):
                        counted.inc()
                    started = time.perf_counter()
                    try:
                        await handler(event)
                    except Exception as error:
                        if not database_away(error, kind):
                            log.exception("handler_failed", kind=kind)
                        else:  # whom it was about is looked at again once it is back
                            about = [p for p in owed(event) if p[1] != self.me_id]
                            await self._gate.owe(about, joined=kind in JOINING)
                    finally:
                        timed.observe(time.perf_counter() - started)
                finally:
                    bound.give()
            finally:
                self._inflight.pop(task, None)

        return guarded
