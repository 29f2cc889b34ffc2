"""What every gateway request stands on: the client, the pacer, and the peers a request names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from telethon import TelegramClient

from gatekeeper.clock import Clock
from gatekeeper.domain.i18n import N_
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.ports import ChatUnreachable, UserUnreachable
from gatekeeper.telegram.pacing import GroupBudget, Pacer
from gatekeeper.telegram.peers import Peers
from gatekeeper.telegram.rpc_errors import BROKEN_LINK_ERRORS, explain

T = TypeVar("T")


class Calls:
    def __init__(
        self,
        client: TelegramClient,
        metrics: Metrics,
        clock: Clock,
        *,
        pacer: Pacer | None = None,
        known: Mapping[int, int] | None = None,
    ) -> None:
        self.client = client
        self.peers = Peers(self._input_entity, known if known is not None else {})
        self._metrics = metrics
        self._clock = clock
        self.pacer = pacer or Pacer(clock, metrics)

    @property
    def message_budget(self) -> GroupBudget:
        return self.pacer.messages

    async def _call(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run one request through the pacer: budget, flood waits, retries, priorities."""
        return await self.pacer.run(method, call)

    async def _input_entity(self, peer: int) -> Any:
        """Telethon's input entity for a marked id: mostly from its cache, else one request;
        either way through the pacer's flood handling (ValueError if Telegram cannot say)."""
        return await self.pacer.run(
            "GetInputEntity", lambda: self.client.get_input_entity(peer), cached=True
        )

    async def _input_user(self, user_id: int) -> Any:
        try:
            return await self.peers.input_peer(user_id)
        except ValueError as error:
            raise UserUnreachable(f"unknown user {user_id}") from error

    async def _input_chat(self, chat_id: int) -> Any:
        try:
            return await self.peers.input_peer(chat_id)
        except ValueError as error:
            raise ChatUnreachable(N_("I cannot find that chat")) from error
        except BROKEN_LINK_ERRORS as error:
            raise ChatUnreachable(explain(error)) from error

    async def access_hash(self, peer_id: int) -> int | None:
        """The access hash this bot names a user or chat by, if it knows one (for storage)."""
        return await self.peers.access_hash(peer_id)
