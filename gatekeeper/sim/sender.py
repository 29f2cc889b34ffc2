"""SimSender: stands in for Telethon's MTProtoSender and answers requests from the sim."""

from __future__ import annotations

import asyncio
import datetime
from typing import TYPE_CHECKING, Any

from telethon.crypto import AuthKey
from telethon.tl import types

from gatekeeper.sim.errors import RpcFail

if TYPE_CHECKING:
    from gatekeeper.sim.server import SimTelegram

_OWN_UPDATES = (
    types.UpdateShortMessage,
    types.UpdateShortChatMessage,
    types.UpdateShort,
    types.UpdatesCombined,
    types.Updates,
    types.UpdateShortSentMessage,
)
_AFFECTED = (
    types.messages.AffectedHistory,
    types.messages.AffectedMessages,
    types.messages.AffectedFoundMessages,
)


GIVE_UP_AFTER = 5  # TelegramClient's default connection_retries


class SimSender:
    """The transport seam: assign to ``client._sender`` before ``connect()``."""

    def __init__(self, sim: SimTelegram, client: Any, auth_key: AuthKey | None = None) -> None:
        self.sim = sim
        self.client = client
        self.auth_key = auth_key if auth_key is not None else AuthKey(None)
        self._connected = False
        self._disconnected: asyncio.Future[None] | None = None

    # -- the MTProtoSender surface that TelegramClient uses --------------------------
    def is_connected(self) -> bool:
        return self._connected

    def _transport_connected(self) -> bool:
        return self._connected

    def _keepalive_ping(self, rnd_id: int) -> None:
        return None

    @property
    def disconnected(self) -> asyncio.Future[None]:
        if self._disconnected is None:
            self._disconnected = asyncio.get_running_loop().create_future()
        return asyncio.shield(self._disconnected)

    async def connect(self, connection: Any) -> bool:
        if self._connected:
            return False
        if self.auth_key.key is None:
            self.auth_key.key = self.sim.new_auth_key()
        self._connected = True
        self._disconnected = asyncio.get_running_loop().create_future()
        self.sim.attach(self)
        return True

    async def disconnect(self) -> None:
        if not self._connected:
            self.sim.detach(self)  # a lost connection: no longer waited for either
            return
        self._connected = False
        self.sim.detach(self)
        if self._disconnected is not None and not self._disconnected.done():
            self._disconnected.set_result(None)

    def send(self, request: Any, ordered: bool = False) -> Any:
        if not self._connected:
            raise ConnectionError("Cannot send requests while disconnected")
        if isinstance(request, list):
            return [self._send_one(r) for r in request]
        return self._send_one(request)

    # -- sim side ---------------------------------------------------------------------
    @property
    def account_id(self) -> int | None:
        """The user id logged in with this sender's auth key, if any."""
        return self.sim.logged_in_as(self.auth_key)

    def deliver(self, updates: Any) -> None:
        if self._connected:
            self.client._updates_queue.put_nowait(updates)

    def _send_one(self, request: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.sim.faults.latency_seconds > 0:
            task = asyncio.get_running_loop().create_task(self._serve_later(request, future))
            self.sim.inflight.add(task)
            task.add_done_callback(self.sim.inflight.discard)
        else:
            self._serve(request, future)
        return future

    async def _serve_later(self, request: Any, future: asyncio.Future[Any]) -> None:
        await asyncio.sleep(self.sim.faults.latency_seconds)
        if not self._connected:
            future.set_exception(ConnectionError("sim connection closed"))
            return
        self._serve(request, future)

    def _serve(self, request: Any, future: asyncio.Future[Any]) -> None:
        if future.cancelled():
            return
        if self.sim.faults.take_loss():
            self._give_up(future)
            return
        copies = 1
        while self.sim.faults.take_drop():
            copies += 1
        try:
            for copy in range(copies):
                # Each copy but the last is done by Telegram and its answer lost with the
                # connection; Telethon reconnects and sends the request again.
                self.sim.resending = copy > 0
                try:
                    result = self._carry_out(request)
                except Exception:
                    if copy == copies - 1:
                        raise
        except Exception as exc:  # an RPC error, or a sim bug or unmodelled request
            future.set_exception(exc)
            return
        finally:
            self.sim.resending = False
        self._store_own_updates(result)
        future.set_result(result)

    def _carry_out(self, request: Any) -> Any:
        try:
            return self.sim.dispatch(self, request)
        except RpcFail as fail:
            raise fail.to_telethon(request) from None

    def _give_up(self, future: asyncio.Future[Any]) -> None:
        """What MTProtoSender does when every reconnection fails: the requests in flight and
        `disconnected` end with the last error, and the sender stays disconnected."""
        error = ConnectionError(f"Connection to Telegram failed {GIVE_UP_AFTER} time(s)")
        future.set_exception(error)
        self._connected = False
        self.sim.lose(self)
        if self._disconnected is not None and not self._disconnected.done():
            self._disconnected.set_exception(error)

    def _store_own_updates(self, obj: Any) -> None:
        """Mirror MTProtoSender._store_own_updates so the client's MessageBox sees our own pts."""
        queue = self.client._updates_queue
        if isinstance(obj, _OWN_UPDATES):
            obj._self_outgoing = True
            queue.put_nowait(obj)
        elif isinstance(obj, _AFFECTED):
            epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
            upd = types.UpdateShort(types.UpdateDeleteMessages([], obj.pts, obj.pts_count), epoch)
            upd._self_outgoing = True
            queue.put_nowait(upd)
