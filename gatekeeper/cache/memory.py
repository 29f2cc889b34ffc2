"""The in-process membership memory: a bounded table of verdicts that expire by the clock.

Compact on purpose (a large group holds hundreds of thousands of verdicts): one dict per
channel, member id -> one int packing the verdict, a "used since the last sweep" bit and the
expiry in milliseconds. No object per verdict, no linked list: about a third of what an
OrderedDict of tuples costs (`python run.py bench` prints the bytes per verdict).

The hot path (a message from a known member) is two dict lookups and one comparison with the
clock. Expired entries are dropped when they are read; when the table is full, a sweep frees a
twentieth of the room, oldest first, sparing once those used since the previous sweep (a
warm-up's silent members go before the members who write).
"""

from __future__ import annotations

import random

from gatekeeper.clock import Clock
from gatekeeper.domain.model import ChatId, UserId, Verdict

_MEMBER = 1
_USED = 2
_SHIFT = 2  # the expiry (ms since the memory was made) sits above the two flag bits


class MembershipMemory:
    """(channel_id, user_id) -> Verdict, at most `max_entries` of them, each with its own expiry.

    Only MEMBER and NOT_MEMBER are kept: `put` ignores UNKNOWN, which says nothing about the
    member and must be asked again. Members and non-members live for different times: a
    non-member may join the channel at any moment, so that answer goes stale sooner. Each TTL
    is shortened by up to `jitter` (a share, 0 to 0.5) at random, so that verdicts learnt
    together (a warm-up, a burst) do not all expire, and get asked again, in the same second.
    """

    __slots__ = (
        "_base",
        "_channels",
        "_clock",
        "_holes",
        "_jitter",
        "_max_entries",
        "_member_ttl",
        "_non_member_ttl",
        "_random",
        "_size",
        "evictions",
        "expirations",
        "hits",
        "misses",
        "sweeps",
    )

    def __init__(
        self,
        max_entries: int,
        member_ttl: float,
        non_member_ttl: float,
        clock: Clock,
        *,
        jitter: float = 0.0,
        rng: random.Random | None = None,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if member_ttl <= 0 or non_member_ttl <= 0:
            raise ValueError("TTLs must be positive")
        if not 0 <= jitter <= 0.5:
            raise ValueError("jitter must be between 0 and 0.5")
        self._max_entries = max_entries
        self._member_ttl = member_ttl
        self._non_member_ttl = non_member_ttl
        self._jitter = jitter
        self._random = rng or random.Random()
        self._clock = clock
        self._base = clock.now()
        self._channels: dict[ChatId, dict[UserId, int]] = {}
        self._holes: dict[ChatId, int] = {}  # per channel: slots sweeps left behind
        self._size = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0  # dropped to respect max_entries
        self.expirations = 0  # found expired on read, or swept
        self.sweeps = 0

    @property
    def max_entries(self) -> int:
        return self._max_entries

    def __len__(self) -> int:
        return self._size

    def ttl_for(self, verdict: Verdict) -> float:
        return self._member_ttl if verdict is Verdict.MEMBER else self._non_member_ttl

    def _now_ms(self) -> int:
        return int((self._clock.now() - self._base) * 1000)

    def get(self, channel_id: ChatId, user_id: UserId) -> Verdict | None:
        users = self._channels.get(channel_id)
        packed = None if users is None else users.get(user_id)
        if packed is None:
            self.misses += 1
            return None
        assert users is not None
        # An int against the float it would be floored from: the same answer, one call less.
        if packed >> _SHIFT <= (self._clock.now() - self._base) * 1000:
            self._remove(channel_id, users, user_id)
            self.expirations += 1
            self.misses += 1
            return None
        if not packed & _USED:
            users[user_id] = packed | _USED
        self.hits += 1
        return Verdict.MEMBER if packed & _MEMBER else Verdict.NOT_MEMBER

    def all_members(self, channel_ids: tuple[ChatId, ...], user_id: UserId) -> bool:
        """Whether a live MEMBER verdict is held for every channel: `get` for each, with one
        reading of the clock in all (the hot path). False says nothing more, and counts no
        hit or miss: `get` then tells each verdict."""
        now_ms = (self._clock.now() - self._base) * 1000
        channels = self._channels
        for channel_id in channel_ids:
            users = channels.get(channel_id)
            if users is None:
                return False
            packed = users.get(user_id)
            if packed is None or not packed & _MEMBER or packed >> _SHIFT <= now_ms:
                return False
            if not packed & _USED:
                users[user_id] = packed | _USED
        self.hits += len(channel_ids)
        return True

    def expires_in(self, channel_id: ChatId, user_id: UserId) -> float | None:
        """Seconds the verdict has left, if there is one (for tests and diagnosis)."""
        packed = self._channels.get(channel_id, {}).get(user_id)
        if packed is None:
            return None
        return max(0.0, ((packed >> _SHIFT) - self._now_ms()) / 1000)

    def put(self, channel_id: ChatId, user_id: UserId, verdict: Verdict) -> None:
        if verdict is Verdict.UNKNOWN:
            return
        ttl = self.ttl_for(verdict)
        if self._jitter:
            ttl *= 1.0 - self._jitter * self._random.random()
        expires_ms = int((self._clock.now() - self._base + ttl) * 1000)
        packed = expires_ms << _SHIFT | (_MEMBER if verdict is Verdict.MEMBER else 0)
        users = self._channels.get(channel_id)
        if users is not None and user_id in users:
            used = users.pop(user_id) & _USED  # to the back: the freshest verdict goes last
            users[user_id] = packed | used
            return
        if self._size >= self._max_entries:
            self._sweep()
            users = self._channels.get(channel_id)
        if users is None:
            users = self._channels[channel_id] = {}
        users[user_id] = packed
        self._size += 1

    def forget(self, channel_id: ChatId, user_id: UserId) -> None:
        users = self._channels.get(channel_id)
        if users is not None and user_id in users:
            self._remove(channel_id, users, user_id)

    def forget_channel(self, channel_id: ChatId) -> int:
        """Drops every verdict about `channel_id`; returns how many there were."""
        self._holes.pop(channel_id, None)
        users = self._channels.pop(channel_id, None)
        if not users:
            return 0
        self._size -= len(users)
        return len(users)

    def clear(self) -> None:
        self._channels.clear()
        self._holes.clear()
        self._size = 0

    def _remove(self, channel_id: ChatId, users: dict[UserId, int], user_id: UserId) -> None:
        del users[user_id]
        self._size -= 1
        if not users:
            del self._channels[channel_id]
            self._holes.pop(channel_id, None)

    def _sweep(self) -> None:
        """Make room: a twentieth of the table, from each channel its share, oldest first.

        The oldest verdict goes if it has expired or was not used since the last sweep;
        one that was is given a second chance (moved to the back, its mark cleared), as in
        the CLOCK algorithm. A sweep looks at what it drops and at the verdicts in use it
        passes over, not at the whole table: a full memory of 200,000 stays cheap.
        """
        self.sweeps += 1
        now_ms = self._now_ms()
        size = self._size
        excess = size - (self._max_entries - max(1, self._max_entries // 20))
        for channel_id, users in list(self._channels.items()):
            if excess <= 0:
                break
            quota = min(excess, -(-excess * len(users) // size))  # its share, rounded up
            size -= len(users)
            excess -= self._sweep_channel(channel_id, users, quota, now_ms)

    def _sweep_channel(
        self, channel_id: ChatId, users: dict[UserId, int], quota: int, now_ms: int
    ) -> int:
        removed = moved = 0
        while removed < quota and users:
            victims: list[UserId] = []
            spared: list[tuple[UserId, int]] = []
            for user_id, packed in users.items():
                if len(victims) >= quota - removed:
                    break
                if packed >> _SHIFT <= now_ms:
                    victims.append(user_id)
                    self.expirations += 1
                elif packed & _USED:
                    spared.append((user_id, packed & ~_USED))
                else:
                    victims.append(user_id)
                    self.evictions += 1
            for user_id in victims:
                del users[user_id]
            for user_id, packed in spared:  # to the back of the queue, unmarked
                del users[user_id]
                users[user_id] = packed
            moved += len(spared)
            removed += len(victims)
        self._size -= removed
        if not users:
            del self._channels[channel_id]
            self._holes.pop(channel_id, None)
            return removed
        # A dict keeps the slots of what was deleted until it grows again, and a sweep walks
        # them from the front: once they outnumber the live entries, a compact copy.
        holes = self._holes.get(channel_id, 0) + removed + moved
        if holes > len(users):
            self._channels[channel_id] = dict(users)
            holes = 0
        self._holes[channel_id] = holes
        return removed
