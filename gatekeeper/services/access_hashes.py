"""The access hashes the bot keeps in memory (and the warm-up listings it keeps in storage),
pruned on the housekeeping timer by `domain.access_hashes`: a user's hash stays while a mute,
a join request, postponed work, a waiting notice, a warm-up under way or a note still names
them, and a retention after that.

Storage keeps each hash with what needs it (a mute, a request, postponed work, a listing) and
forgets it with that row, so a restart loads only the hashes still needed. The listings of
warm-ups long finished are the exception that would stay: they go here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import access_hashes
from gatekeeper.domain.join_requests import JoinRequest
from gatekeeper.domain.model import UserId
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Pruned:
    hashes: int  # access hashes forgotten from memory
    listed: int  # rows of old warm-up listings deleted from storage
    listed_in_memory: int  # members of listings no longer believed, let go from memory


class AccessHashes:
    """`requests`, `postponed` and `waiting` say who the pending join requests, the postponed
    work and the notices waiting for the budget are about (services of their own keep them)."""

    def __init__(
        self,
        registry: Registry,
        clock: Clock,
        *,
        retention: float,
        requests: Callable[[], Iterable[JoinRequest]],
        postponed: Callable[[], Iterable[UserId]],
        waiting: Callable[[], Iterable[UserId]],
    ) -> None:
        self._registry = registry
        self._clock = clock
        self._retention = retention
        self._requests = requests
        self._postponed = postponed
        self._waiting = waiting
        self._idle_since: dict[int, float] = {}  # hashes nothing needed at the last pass

    async def prune(self) -> Pruned:
        warming = await self._warming()  # first: what follows reads memory at one moment
        now = self._clock.now()
        registry = self._registry
        needs = access_hashes.needed(
            restrictions=registry.restrictions.values(),
            requesters=(request.user_id for request in self._requests()),
            notes=registry.notes.values(),
            postponed=self._postponed(),
            waiting=self._waiting(),
            warming=warming,
            now=now,
        )
        known = registry.access_hashes
        swept = access_hashes.sweep(known, needs, self._idle_since, now, self._retention)
        for peer_id in swept.forget:
            del known[peer_id]
        self._idle_since = swept.idle_since
        listed = await self._forget_old_listings(now)
        active = {g for g, progress in registry.warmups.items() if progress.active}
        in_memory = registry.listed.prune(active)
        if swept.forget or listed or in_memory:
            log.info(
                "access_hashes_pruned",
                hashes=len(swept.forget),
                listed=listed,
                listed_in_memory=in_memory,
            )
        return Pruned(len(swept.forget), listed, in_memory)

    async def _warming(self) -> set[UserId]:
        """The members the warm-ups under way have yet to check."""
        users: set[UserId] = set()
        for progress in list(self._registry.warmups.values()):
            after = access_hashes.warming_from(progress)
            if after is not None:
                users.update(
                    await self._registry.storage.warmups.member_ids(progress.group_id, after)
                )
        return users

    async def _forget_old_listings(self, now: float) -> int:
        forgotten = 0
        for progress in list(self._registry.warmups.values()):
            if access_hashes.listing_outlived(progress, now, self._retention):
                forgotten += await self._registry.storage.warmups.forget_members(progress.group_id)
        return forgotten
