"""Is this user subscribed to that channel? Memory, then Redis, then Telegram, single-flight."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.clock import Clock, SystemClock
from gatekeeper.domain.model import ChatId, UserId, Verdict
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.ports import ChatUnreachable, Telegram, UserUnreachable

OnUnreachable = Callable[[ChatId, str], Awaitable[None]]
OnReachable = Callable[[ChatId], Awaitable[None]]
Requested = Callable[[ChatId, UserId], bool]  # asked to join the channel, pending

UNRESOLVED_TTL = 60.0  # a user Telegram would say nothing about is not asked again before this
UNRESOLVED_MAX = 10_000


class Membership:
    def __init__(
        self,
        gateway: Telegram,
        cache: MembershipCache,
        metrics: Metrics,
        on_unreachable: OnUnreachable,
        on_reachable: OnReachable,
        clock: Clock | None = None,
    ) -> None:
        self._clock: Clock = clock or SystemClock()
        # Whether a user asked to join a channel and it is pending (the join requests know).
        self.requested: Requested | None = None
        # Users whose membership could not be resolved (UserUnreachable), until when.
        self._unresolved: OrderedDict[tuple[ChatId, UserId], float] = OrderedDict()
        self._gateway = gateway
        self._cache = cache
        self._all_members = cache.memory.all_members
        self._metrics = metrics
        self._on_unreachable = on_unreachable
        self._on_reachable = on_reachable
        self._in_flight: dict[tuple[ChatId, UserId], asyncio.Future[Verdict]] = {}
        # Keys whose participant update arrived while Telegram was being asked: its answer
        # may predate the update, which wins.
        self._superseded: set[tuple[ChatId, UserId]] = set()

    def subscribed(self, channel_ids: tuple[ChatId, ...], user_id: UserId) -> bool:
        """Whether memory alone says the user is in every channel (the hot path: no dict, no
        I/O; a False says nothing more, `peek` then tells what is known)."""
        if not self._all_members(channel_ids, user_id):
            return False
        self._metrics.memory_hits(len(channel_ids))
        return True

    def peek(self, channel_ids: Iterable[ChatId], user_id: UserId) -> dict[ChatId, Verdict] | None:
        """Verdicts from process memory alone, or None if any is unknown there (the hot path)."""
        verdicts: dict[ChatId, Verdict] = {}
        for channel_id in channel_ids:
            verdict = self._cache.peek(channel_id, user_id)
            if verdict is None:
                self._metrics.cache_lookup("memory", False)
                return None
            verdicts[channel_id] = self._or_pending(channel_id, user_id, verdict)
        self._metrics.memory_hits(len(verdicts))
        return verdicts

    async def verdicts(
        self, channel_ids: Iterable[ChatId], user_id: UserId, *, fresh: bool = False
    ) -> dict[ChatId, Verdict]:
        """A verdict per channel; `fresh` skips the caches and asks Telegram."""
        ids = list(channel_ids)
        results = await asyncio.gather(*(self.verdict(c, user_id, fresh=fresh) for c in ids))
        return {c: self._or_pending(c, user_id, v) for c, v in zip(ids, results, strict=True)}

    def _or_pending(self, channel_id: ChatId, user_id: UserId, verdict: Verdict) -> Verdict:
        """Not a member, but asked to join: the policy decides whether that is enough. (Never
        cached: the request is the bot's own knowledge, kept with the requests.)"""
        requested = self.requested
        if verdict is Verdict.NOT_MEMBER and requested and requested(channel_id, user_id):
            return Verdict.PENDING
        return verdict

    async def verdict(self, channel_id: ChatId, user_id: UserId, *, fresh: bool = False) -> Verdict:
        if not fresh:
            cached = self._cache.peek(channel_id, user_id)
            self._metrics.cache_lookup("memory", cached is not None)
            if cached is not None:
                self._metrics.membership_check("memory")
                return cached
            if self._still_unresolved(channel_id, user_id):
                self._metrics.membership_check("memory")
                return Verdict.UNKNOWN
            cached = await self._cache.lookup(channel_id, user_id)
            if self._cache.shared is not None:
                self._metrics.cache_lookup("redis", cached is not None)
            if cached is not None:
                self._metrics.membership_check("redis")
                return cached
        key = (channel_id, user_id)
        pending = self._in_flight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Verdict] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            verdict = await self._ask_telegram(channel_id, user_id)
            future.set_result(verdict)
            return verdict
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # mark retrieved: waiters, if any, get it too
            raise
        finally:
            del self._in_flight[key]
            self._superseded.discard(key)

    async def _ask_telegram(self, channel_id: ChatId, user_id: UserId) -> Verdict:
        self._metrics.membership_check("telegram")
        try:
            standing = await self._gateway.standing(channel_id, user_id)
        except ChatUnreachable as error:
            await self._on_unreachable(channel_id, str(error))
            return Verdict.UNKNOWN
        except UserUnreachable:
            self._unresolvable(channel_id, user_id)
            return Verdict.UNKNOWN  # about this user only: the channel is fine
        verdict = Verdict.MEMBER if standing.is_member else Verdict.NOT_MEMBER
        await self._on_reachable(channel_id)
        if (channel_id, user_id) in self._superseded:
            return self._cache.peek(channel_id, user_id) or verdict
        await self._cache.store(channel_id, user_id, verdict)
        return verdict

    def _still_unresolved(self, channel_id: ChatId, user_id: UserId) -> bool:
        until = self._unresolved.get((channel_id, user_id))
        if until is None:
            return False
        if until > self._clock.now():
            return True
        del self._unresolved[(channel_id, user_id)]
        return False

    def _unresolvable(self, channel_id: ChatId, user_id: UserId) -> None:
        self._unresolved[(channel_id, user_id)] = self._clock.now() + UNRESOLVED_TTL
        self._unresolved.move_to_end((channel_id, user_id))
        while len(self._unresolved) > UNRESOLVED_MAX:
            self._unresolved.popitem(last=False)

    async def record(self, channel_id: ChatId, user_id: UserId, is_member: bool) -> None:
        """What a participant update told us, straight into the caches."""
        self._unresolved.pop((channel_id, user_id), None)
        verdict = Verdict.MEMBER if is_member else Verdict.NOT_MEMBER
        if (channel_id, user_id) in self._in_flight:
            self._superseded.add((channel_id, user_id))
        await self._cache.store(channel_id, user_id, verdict, announce=True)
