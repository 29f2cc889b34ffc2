"""Where each member of a group stood when a warm-up listed it, so that muting an unsubscribed
member needs no look-up of them in the group.

Only plain members and bots are kept (an admin goes to the registry's admins; a restricted
member is looked up when it matters, since their rights must be read to be restored). An
entry is believed for `ttl` seconds after its group was listed, and forgotten as soon as
Telegram says anything about that member in that group (a participant update).
"""

from __future__ import annotations

from collections.abc import Container

from gatekeeper.clock import Clock, SystemClock
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.domain.standing import Standing
from gatekeeper.services.ports import Telegram

DEFAULT_TTL = 6 * 3600.0
MAX_ENTRIES = 2_000_000  # over every group; the oldest listings are dropped first


class ListedStandings:
    def __init__(
        self, clock: Clock | None = None, ttl: float = DEFAULT_TTL, max_entries: int = MAX_ENTRIES
    ) -> None:
        self._clock: Clock = clock or SystemClock()
        self._ttl = ttl
        self._max_entries = max_entries
        # group -> (when it was listed, member -> access hash, 0 if none, None for a bot)
        self._groups: dict[ChatId, tuple[float, dict[UserId, int | None]]] = {}
        self.hits = 0

    @property
    def ttl(self) -> float:
        return self._ttl

    def has(self, group_id: ChatId) -> bool:
        return group_id in self._groups

    def __len__(self) -> int:
        return sum(len(members) for _, members in self._groups.values())

    def listing(self, group_id: ChatId, at: float | None = None) -> None:
        """A listing of the group begins (or is reloaded, listed `at`): what it shows counts."""
        when = self._clock.now() if at is None else at
        _, members = self._groups.pop(group_id, (when, {}))
        self._groups[group_id] = (when, members if at is not None else {})

    def add(self, group_id: ChatId, user_id: UserId, standing: Standing) -> None:
        """A member the listing showed; anything but a plain member or a bot is not kept."""
        if not standing.is_member or standing.is_admin or standing.rights.flags:
            return
        kind = "bot" if standing.is_bot else "member"
        self.put(group_id, user_id, standing.access_hash, kind)

    def put(self, group_id: ChatId, user_id: UserId, access_hash: int | None, kind: str) -> None:
        """A plain member ("member") or a bot ("bot") of a group being listed."""
        entry = self._groups.get(group_id)
        if entry is None:
            return
        entry[1][user_id] = None if kind == "bot" else (access_hash or 0)
        if len(entry[1]) % 1000 == 0:
            self._bound()

    def get(self, group_id: ChatId, user_id: UserId) -> Standing | None:
        entry = self._groups.get(group_id)
        if entry is None or self._clock.now() - entry[0] >= self._ttl:
            return None
        members = entry[1]
        if user_id not in members:
            return None
        self.hits += 1
        found = members[user_id]
        if found is None:
            return Standing(True, is_bot=True)
        return Standing(True, access_hash=found or None)

    async def standing(self, group_id: ChatId, user_id: UserId, telegram: Telegram) -> Standing:
        """From the listing if it is fresh, else asked of Telegram."""
        listed = self.get(group_id, user_id)
        return listed if listed is not None else await telegram.standing(group_id, user_id)

    def forget(self, group_id: ChatId, user_id: UserId) -> None:
        entry = self._groups.get(group_id)
        if entry is not None:
            entry[1].pop(user_id, None)

    def prune(self, keep: Container[ChatId]) -> int:
        """Forget the listings no longer believed (listed a TTL ago or more) but those of the
        groups in `keep` (a warm-up still under way fills them); how many members went."""
        now = self._clock.now()
        stale = [
            g for g, (when, _) in self._groups.items() if now - when >= self._ttl and g not in keep
        ]
        return sum(len(self._groups.pop(g)[1]) for g in stale)

    def forget_group(self, group_id: ChatId) -> None:
        self._groups.pop(group_id, None)

    def _bound(self) -> None:
        while len(self) > self._max_entries and len(self._groups) > 1:
            oldest = min(self._groups, key=lambda g: self._groups[g][0])
            del self._groups[oldest]
