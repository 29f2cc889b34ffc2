"""Housekeeping: now and then, forget what would otherwise only grow.

Member notes nobody touched for the retention (old warnings, graces long spent; never an
admin's exception), here and in storage; access hashes nothing needs any more, and old
warm-up listings (`services.access_hashes`). The other tables prune themselves as they go or
at each sweep (see docs/scaling.md).
"""

from __future__ import annotations

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.reconcile import due
from gatekeeper.services.access_hashes import AccessHashes
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

PRUNE_INTERVAL = 3600.0


class Housekeeping:
    def __init__(
        self,
        registry: Registry,
        clock: Clock,
        *,
        retention: float,
        interval: float = PRUNE_INTERVAL,
        hashes: AccessHashes | None = None,
    ) -> None:
        self._registry = registry
        self._hashes = hashes
        self._clock = clock
        self._retention = retention
        self._interval = interval
        self._last: float | None = None

    async def run_due(self) -> int:
        """One pass if one is due (the first call always runs one); notes pruned."""
        now = self._clock.now()
        if not due(self._last, now, self._interval):
            return 0
        self._last = now
        pruned = await self._registry.prune(self._retention)
        if pruned:
            log.info("notes_pruned", notes=pruned)
        if self._hashes is not None:
            await self._hashes.prune()
        return pruned
