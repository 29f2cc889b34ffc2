"""Each protected group's admins, fetched at start and by the sweep, retried after a failure."""

from __future__ import annotations

import structlog
from telethon import errors

from gatekeeper.clock import Clock
from gatekeeper.services.registry import Registry
from gatekeeper.telegram.gateway import ChatUnreachable, FloodWaited, Gateway

log = structlog.get_logger(__name__)

ADMINS_RETRY = 600.0


class AdminLists:
    def __init__(self, gateway: Gateway, registry: Registry, clock: Clock) -> None:
        self.gateway = gateway
        self.registry = registry
        self.clock = clock
        self._failed: dict[int, float] = {}
        self._loaded: set[int] = set()  # a participant update is no list

    async def load(self) -> None:
        """Each protected group's admins, so that the hot path can exempt them from memory."""
        now = self.clock.now()
        for group_id, rules in list(self.registry.rules.items()):
            if not (rules.enforced and rules.acting) or group_id in self._loaded:
                continue
            if now - self._failed.get(group_id, float("-inf")) < ADMINS_RETRY:
                continue
            try:
                admins = await self.gateway.admins(group_id)
            except (ChatUnreachable, FloodWaited, errors.RPCError) as error:
                self._failed[group_id] = now
                log.warning("admins_unavailable", group_id=group_id, error=str(error))
                continue
            self._failed.pop(group_id, None)
            self._loaded.add(group_id)
            self.registry.set_admins(group_id, frozenset(admins))
