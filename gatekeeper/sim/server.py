"""SimTelegram: the simulated Telegram server, its world, faults, counters and client factory."""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from typing import Any

from telethon import TelegramClient
from telethon.crypto import AuthKey
from telethon.sessions import StringSession
from telethon.tl import functions

from gatekeeper.clock import Clock, FrozenClock
from gatekeeper.sim import join_requests, rpc_account, rpc_channels, rpc_chats, rpc_messages
from gatekeeper.sim.actors import SimChat, SimUser
from gatekeeper.sim.bot_methods import USER_ONLY
from gatekeeper.sim.errors import RpcFail, SimNotSettled
from gatekeeper.sim.faults import Faults
from gatekeeper.sim.ops import Ops
from gatekeeper.sim.rpc import HANDLERS, Call
from gatekeeper.sim.sender import SimSender
from gatekeeper.sim.updates import UpdateHub
from gatekeeper.sim.world import (
    BasicGroupState,
    CallbackQuery,
    ChatState,
    Participant,
    Role,
    UserState,
    World,
)

_WRAPPERS = (
    functions.InvokeWithLayerRequest,
    functions.InitConnectionRequest,
    functions.InvokeWithoutUpdatesRequest,
)
SENT_REMEMBERED = 10_000  # answers kept for requests carrying a random_id (see `dispatch`)
_HANDLER_MODULES = (
    join_requests,
    rpc_account,
    rpc_channels,
    rpc_chats,
    rpc_messages,
)  # imported for their registrations


class SimTelegram:
    """A stateful fake Telegram that real TelegramClients talk to through ``SimSender``."""

    def __init__(self, clock: Clock | None = None, seed: int = 0) -> None:
        self.clock: Clock = clock if clock is not None else FrozenClock()
        self.world = World(seed)
        self.hub = UpdateHub(self.world, self.clock)
        self.ops = Ops(self.world, self.hub, self.clock)
        self.faults = Faults()
        self.hub.withheld = self.faults.withheld
        self.requests: Counter[str] = Counter()
        self.callback_answers: list[CallbackQuery] = []
        self.inflight: set[asyncio.Task[None]] = set()
        self.lost: list[SimSender] = []  # see `lose`
        self.resending = False  # a request is being carried out again (`faults.drop_connection`)
        self._auth: dict[bytes, int] = {}
        self._sent: OrderedDict[tuple[int | None, str, object], Any] = OrderedDict()

    # -- building the world ------------------------------------------------------------
    def create_user(
        self,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        *,
        lang_code: str | None = None,
        user_id: int | None = None,
    ) -> SimUser:
        """`user_id`: a given id (Telegram's own accounts, 777000 say) instead of a new one."""
        if user_id is not None and user_id in self.world.users:
            raise ValueError(f"user {user_id} exists already")
        state = UserState(
            user_id or self.world.new_user_id(),
            self.world.new_access_hash(),
            first_name,
            username,
            last_name,
            lang_code=lang_code,
        )
        self.world.users[state.id] = state
        return SimUser(self, state)

    def create_bot(self, username: str, first_name: str | None = None) -> SimUser:
        uid = self.world.new_user_id()
        token = f"{uid}:SIM{self.world.rng.getrandbits(128):032x}"
        state = UserState(
            uid,
            self.world.new_access_hash(),
            first_name or username,
            username,
            is_bot=True,
            token=token,
        )
        self.world.users[uid] = state
        return SimUser(self, state)

    def _create_chat(
        self, title: str, owner: SimUser, username: str | None, broadcast: bool
    ) -> SimChat:
        now = self.ops.now()
        state = ChatState(
            self.world.new_chat_id(),
            self.world.new_access_hash(),
            title,
            broadcast,
            owner.id,
            now,
            username=username,
        )
        state.participants[owner.id] = Participant(owner.id, Role.CREATOR, now)
        self.world.chats[state.id] = state
        return SimChat(self, state)

    def create_supergroup(self, title: str, owner: SimUser, username: str | None = None) -> SimChat:
        return self._create_chat(title, owner, username, broadcast=False)

    def create_channel(self, title: str, owner: SimUser, username: str | None = None) -> SimChat:
        return self._create_chat(title, owner, username, broadcast=True)

    def create_basic_group(self, title: str, owner: SimUser, *members: SimUser) -> int:
        """A basic group with ``members`` in it; its marked id (negative, not -100...)."""
        group = BasicGroupState(
            self.world.rng.randrange(4_000_000, 900_000_000), title, owner.id, self.ops.now()
        )
        group.members = {owner.id, *(m.id for m in members)}
        self.world.basic_groups[group.id] = group
        return -group.id

    def user(self, user_id: int) -> SimUser:
        return SimUser(self, self.world.users[user_id])

    def chat(self, chat_id: int) -> SimChat:
        """By bare id or by Telethon's marked id (-100...)."""
        bare = -chat_id - 1_000_000_000_000 if chat_id < 0 else chat_id
        return SimChat(self, self.world.chats[bare])

    # -- clients -------------------------------------------------------------------------
    def client(
        self, bot: SimUser | None = None, session: Any = None, **client_kwargs: Any
    ) -> TelegramClient:
        """A real, not yet connected TelegramClient wired to this sim (``bot`` is informational)."""
        client_kwargs.setdefault("api_id", 1)
        client_kwargs.setdefault("api_hash", "sim")
        client = TelegramClient(
            session if session is not None else StringSession(), **client_kwargs
        )
        client._sender = SimSender(self, client, client.session.auth_key)
        return client

    async def connect(
        self, bot: SimUser, session: Any = None, **client_kwargs: Any
    ) -> TelegramClient:
        """``client(...)`` then ``await client.start(bot_token=bot.token)``."""
        client = self.client(bot, session, **client_kwargs)
        await client.start(bot_token=bot.token)
        return client

    # -- auth keys -----------------------------------------------------------------------
    def new_auth_key(self) -> bytes:
        return self.world.rng.randbytes(256)

    def log_in(self, auth_key: AuthKey, user_id: int) -> None:
        self._auth[bytes(auth_key.key)] = user_id

    def logged_in_as(self, auth_key: AuthKey) -> int | None:
        return self._auth.get(bytes(auth_key.key)) if auth_key.key else None

    def attach(self, sender: SimSender) -> None:
        self.detach(sender)
        self.hub.connected.append(sender)

    def detach(self, sender: SimSender) -> None:
        if sender in self.hub.connected:
            self.hub.connected.remove(sender)
        if sender in self.lost:
            self.lost.remove(sender)

    def lose(self, sender: SimSender) -> None:
        """`sender`'s connection is gone for good: it gets no more updates, but what its
        client's handlers were doing goes on and `settle` still waits for it."""
        self.detach(sender)
        self.lost.append(sender)

    # -- requests ------------------------------------------------------------------------
    def dispatch(self, sender: SimSender, request: Any) -> Any:
        inner = request
        while isinstance(inner, _WRAPPERS):
            inner = inner.query
        name = type(inner).__name__
        self.requests[name] += 1
        sent = _sent_key(sender, name, inner)
        if sent is not None and sent in self._sent:
            return self._sent[sent]  # Telegram's deduplication: the message first sent, again
        self.faults.check(inner, self.clock.now())
        if type(inner) in USER_ONLY and sender.account_id is not None:
            raise RpcFail(400, "BOT_METHOD_INVALID")  # every account the sim logs in is a bot
        handler = HANDLERS.get(type(inner))
        if handler is None:
            raise NotImplementedError(f"sim does not model {name}")
        result = handler(Call(self, sender, inner))
        if sent is not None:
            self._sent[sent] = result
            if len(self._sent) > SENT_REMEMBERED:
                self._sent.popitem(last=False)
        return result

    def time_passed(self, seconds: float) -> None:
        """Tell connected clients that `seconds` went by on the sim's clock.

        Telethon remembers flood waits per request type in real time (time.time()); shifting
        that memory keeps it in step with a frozen clock that a test advances.
        """
        for sender in self.hub.connected:
            waits = sender.client._flood_waited_requests
            for constructor, due in list(waits.items()):
                waits[constructor] = due - seconds

    # -- settling ------------------------------------------------------------------------
    def _busy(self) -> tuple[bool, bool]:
        """(anything pending, a client is waiting out a possible gap)."""
        busy = bool(self.inflight)
        gap = False
        for sender in self.hub.connected:
            client = sender.client
            box = client._message_box
            gap = gap or bool(box.possible_gaps)
            busy = (
                busy
                or not client._updates_queue.empty()
                or any(not t.done() for t in client._event_handler_tasks)
                or bool(box.possible_gaps)
                or bool(box.getting_diff_for)
            )
        for sender in self.lost:
            busy = busy or any(not t.done() for t in sender.client._event_handler_tasks)
        return busy, gap

    async def settle(self, max_seconds: float = 30.0, quiet_rounds: int = 10) -> None:
        """Return once every pushed update was processed and every handler task finished.

        Raises SimNotSettled after ``max_seconds`` real seconds of continued activity.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_seconds
        quiet = 0
        while quiet < quiet_rounds:
            if loop.time() > deadline:
                raise SimNotSettled(f"still busy after {max_seconds}s")
            busy, gap = self._busy()
            quiet = 0 if busy else quiet + 1
            await asyncio.sleep(0.01 if gap or self.inflight else 0)


def _sent_key(sender: SimSender, name: str, request: Any) -> tuple[int | None, str, object] | None:
    """What makes a request carrying a random_id (messages.sendMessage, forwardMessages...)
    the same one sent again: Telegram answers a repeated random_id with the first answer."""
    random_id = getattr(request, "random_id", None)
    if isinstance(random_id, list):
        random_id = tuple(random_id)
    if random_id is None:
        return None
    return (sender.account_id, name, random_id)
