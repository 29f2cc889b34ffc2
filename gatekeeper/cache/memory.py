"""The in-process membership memory: a bounded LRU of verdicts that expire by the clock.

It answers the hot path (a message from a known member) with no I/O: one dict lookup, one
comparison with the clock, one `move_to_end`. Expired entries are dropped when they are read;
the rest age out through the LRU bound.
"""

from __future__ import annotations

from collections import OrderedDict

from gatekeeper.clock import Clock
from gatekeeper.domain.model import ChatId, UserId, Verdict

_Key = tuple[ChatId, UserId]


class MembershipMemory:
    """(channel_id, user_id) -> Verdict, at most `max_entries` of them, each with its own expiry.

    Only MEMBER and NOT_MEMBER are kept: `put` ignores UNKNOWN, which says nothing about the
    member and must be asked again. Members and non-members live for different times: a
    non-member may join the channel at any moment, so that answer goes stale sooner.
    """

    __slots__ = (
        "_by_channel",
        "_clock",
        "_entries",
        "_max_entries",
        "_member_ttl",
        "_non_member_ttl",
        "evictions",
        "expirations",
        "hits",
        "misses",
    )

    def __init__(
        self, max_entries: int, member_ttl: float, non_member_ttl: float, clock: Clock
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if member_ttl <= 0 or non_member_ttl <= 0:
            raise ValueError("TTLs must be positive")
        self._max_entries = max_entries
        self._member_ttl = member_ttl
        self._non_member_ttl = non_member_ttl
        self._clock = clock
        # value: (verdict, expires_at); order: least recently used first
        self._entries: OrderedDict[_Key, tuple[Verdict, float]] = OrderedDict()
        self._by_channel: dict[ChatId, set[UserId]] = {}
        self.hits = 0
        self.misses = 0
        self.evictions = 0  # dropped to respect max_entries
        self.expirations = 0  # found expired on read

    @property
    def max_entries(self) -> int:
        return self._max_entries

    def __len__(self) -> int:
        return len(self._entries)

    def ttl_for(self, verdict: Verdict) -> float:
        return self._member_ttl if verdict is Verdict.MEMBER else self._non_member_ttl

    def get(self, channel_id: ChatId, user_id: UserId) -> Verdict | None:
        key = (channel_id, user_id)
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        verdict, expires_at = entry
        if expires_at <= self._clock.now():
            self._drop(key)
            self.expirations += 1
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return verdict

    def put(self, channel_id: ChatId, user_id: UserId, verdict: Verdict) -> None:
        if verdict is Verdict.UNKNOWN:
            return
        key = (channel_id, user_id)
        entries = self._entries
        expires_at = self._clock.now() + self.ttl_for(verdict)
        if key in entries:
            entries[key] = (verdict, expires_at)
            entries.move_to_end(key)
            return
        if len(entries) >= self._max_entries:
            oldest, _ = entries.popitem(last=False)
            self._unindex(oldest)
            self.evictions += 1
        entries[key] = (verdict, expires_at)
        users = self._by_channel.get(channel_id)
        if users is None:
            self._by_channel[channel_id] = {user_id}
        else:
            users.add(user_id)

    def forget(self, channel_id: ChatId, user_id: UserId) -> None:
        key = (channel_id, user_id)
        if key in self._entries:
            self._drop(key)

    def forget_channel(self, channel_id: ChatId) -> int:
        """Drops every verdict about `channel_id`; returns how many there were."""
        users = self._by_channel.pop(channel_id, None)
        if not users:
            return 0
        for user_id in users:
            del self._entries[(channel_id, user_id)]
        return len(users)

    def clear(self) -> None:
        self._entries.clear()
        self._by_channel.clear()

    def _drop(self, key: _Key) -> None:
        del self._entries[key]
        self._unindex(key)

    def _unindex(self, key: _Key) -> None:
        channel_id, user_id = key
        users = self._by_channel.get(channel_id)
        if users is not None:
            users.discard(user_id)
            if not users:
                del self._by_channel[channel_id]
