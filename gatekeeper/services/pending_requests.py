"""The join requests the bot has seen and not yet seen handled, in memory and in storage:
requests to the groups it guards, and to the channels it checks (for `/settings pending`)."""

from __future__ import annotations

from gatekeeper.clock import Clock
from gatekeeper.domain.join_requests import JoinRequest, still_pending
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.services.registry import Registry


class PendingRequests:
    def __init__(self, registry: Registry, clock: Clock) -> None:
        self._registry = registry
        self._clock = clock
        self._by_key: dict[tuple[ChatId, UserId], JoinRequest] = {}

    async def load(self) -> None:
        """The requests a previous run left pending (after storage is bound to the bot)."""
        store = self._registry.storage.join_requests
        for request in await store.all():
            self._by_key[(request.chat_id, request.user_id)] = request
        self._registry.access_hashes.update(await store.access_hashes())

    def get(self, chat_id: ChatId, user_id: UserId) -> JoinRequest | None:
        return self._by_key.get((chat_id, user_id))

    def all(self) -> list[JoinRequest]:
        return list(self._by_key.values())

    def waiting(self, chat_id: ChatId) -> int:
        """How many requests to join the chat wait for an answer (the bot's or the admins')."""
        return sum(1 for c, _ in self._by_key if c == chat_id)

    def requested(self, chat_id: ChatId, user_id: UserId) -> bool:
        """Whether the user asked to join the chat and the bot still believes it pending."""
        request = self._by_key.get((chat_id, user_id))
        return request is not None and still_pending(request, self._clock.now())

    def remember_hash(self, user_id: UserId, access_hash: int | None) -> None:
        """How to name a requester to Telegram (stored with their request, if it is kept)."""
        if access_hash is not None:
            self._registry.access_hashes[user_id] = access_hash

    async def keep(self, request: JoinRequest, *, access_hash: int | None = None) -> None:
        self.remember_hash(request.user_id, access_hash)
        known = self._registry.access_hashes.get(request.user_id)
        # Known first: with the database away, a press of its button still finds it this run.
        self._by_key[(request.chat_id, request.user_id)] = request
        await self._registry.storage.join_requests.save(request, access_hash=known)

    async def forget(self, chat_id: ChatId, user_id: UserId) -> None:
        if self._by_key.pop((chat_id, user_id), None) is not None:
            await self._registry.storage.join_requests.remove(chat_id, user_id)
