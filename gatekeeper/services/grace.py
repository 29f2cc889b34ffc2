"""`/settings grace 10m strict`: newcomers whose grace ran out are looked at again, and muted
if they still lack a channel. Lenient grace needs nothing here: the next message decides."""

from __future__ import annotations

from gatekeeper.clock import Clock
from gatekeeper.domain import policy
from gatekeeper.services.gate import Gate
from gatekeeper.services.registry import Registry


class GraceEnds:
    def __init__(self, registry: Registry, gate: Gate, clock: Clock) -> None:
        self._registry = registry
        self._gate = gate
        self._clock = clock
        # Since the bot started: a grace that ended while it was away is looked at too.
        self._since = float("-inf")

    async def sweep(self) -> int:
        since, now = self._since, self._clock.now()
        self._since = now
        ended = [
            note
            for note in list(self._registry.notes.values())
            if policy.grace_ended(self._registry.rules.get(note.group_id), note, since, now)
        ]
        for note in ended:
            await self._gate.recheck_member(note.group_id, note.user_id)
        return len(ended)
