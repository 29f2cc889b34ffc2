"""Requests to join a channel the bot checks, for `/settings pending accept`: a member who asked
to join a required private channel that approves members counts as subscribed there, in the
groups that say so. The bot hears of such requests as the channel's admin; the channel's
admins decide them (the bot never approves or declines a request to a channel)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain import policy
from gatekeeper.domain.join_requests import JoinRequest, still_pending
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.services.pending_requests import PendingRequests
from gatekeeper.services.ports import FloodWaited, JoinDesk, RequestGone, TooManyChats
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

Recheck = Callable[[ChatId, UserId], Awaitable[None]]


class ChannelRequests:
    def __init__(
        self,
        desk: JoinDesk,
        registry: Registry,
        pending: PendingRequests,
        recheck: Recheck,
        clock: Clock,
    ) -> None:
        self._desk = desk
        self._registry = registry
        self._pending = pending
        self._recheck = recheck
        self._clock = clock

    def concerns(self, chat_id: ChatId) -> bool:
        """Whether the chat is a channel some guarded group requires."""
        return bool(self._registry.groups_by_channel.get(chat_id))

    async def on_request(self, request: JoinRequest, *, access_hash: int | None = None) -> None:
        if request.query_id is not None:  # the bot is the channel's guard bot: not its call
            try:
                await self._desk.answer_query(request.query_id, approve=False)
            except (RequestGone, TooManyChats, FloodWaited) as error:
                log.warning("join_queue_failed", chat_id=request.chat_id, reason=str(error))
        await self._pending.keep(replace(request, query_id=None), access_hash=access_hash)
        user_id = request.user_id
        for rules in self._registry.groups_requiring(request.chat_id):
            link = rules.link(request.chat_id)
            if link is None or not policy.accepts_pending(rules, link) or not rules.acting:
                continue
            if self._registry.restriction(rules.group_id, user_id) is not None:
                await self._recheck(rules.group_id, user_id)  # muted for that channel: released

    async def sweep(self) -> int:
        """Forget the requests to channels the bot no longer believes pending."""
        now = self._clock.now()
        stale = [
            r for r in self._pending.all() if self.concerns(r.chat_id) and not still_pending(r, now)
        ]
        for request in stale:
            await self._pending.forget(request.chat_id, request.user_id)
        return len(stale)
