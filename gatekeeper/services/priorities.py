"""Who goes first to Telegram: the priority a piece of work runs at (a context variable).

The services set it (a warm-up runs at the lowest); the pacing module (telegram/pacing.py)
reads it for every request, so tasks started inside inherit their caller's priority.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from gatekeeper.domain.pacing import Priority

_priority: ContextVar[Priority] = ContextVar("gatekeeper_priority", default=Priority.ENFORCE)


@contextlib.contextmanager
def priority(level: Priority) -> Iterator[None]:
    """Requests made inside (and in tasks started inside) are served at this priority."""
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


def background() -> contextlib.AbstractContextManager[None]:
    """The low priority, for work nobody waits for (reconciliation, re-checks in bulk)."""
    return priority(Priority.BACKGROUND)


def warmup() -> contextlib.AbstractContextManager[None]:
    """The lowest: bulk verification, which must never delay a mute or a press."""
    return priority(Priority.WARMUP)


def current_priority() -> Priority:
    return _priority.get()
