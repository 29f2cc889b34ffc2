"""Request plumbing: the handler registry, the per-request context and input resolution."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from telethon.tl import types

from gatekeeper.sim.errors import RpcFail
from gatekeeper.sim.world import ChatState, UserState

if TYPE_CHECKING:
    from gatekeeper.sim.ops import Ops
    from gatekeeper.sim.sender import SimSender
    from gatekeeper.sim.server import SimTelegram
    from gatekeeper.sim.world import World

Handler = Callable[["Call"], Any]
HANDLERS: dict[type, Handler] = {}
F = TypeVar("F", bound=Handler)


def handles(*request_types: type) -> Callable[[F], F]:
    """Register a function as the answer to the given Telethon request classes."""

    def register(fn: F) -> F:
        for request_type in request_types:
            HANDLERS[request_type] = fn
        return fn

    return register


@dataclass
class Call:
    sim: SimTelegram
    sender: SimSender
    request: Any

    @property
    def world(self) -> World:
        return self.sim.world

    @property
    def ops(self) -> Ops:
        return self.sim.ops

    @property
    def bot_id(self) -> int:
        """The logged-in account; AUTH_KEY_UNREGISTERED if this auth key never logged in."""
        account = self.sender.account_id
        if account is None:
            raise RpcFail(401, "AUTH_KEY_UNREGISTERED")
        return account

    @property
    def bot(self) -> UserState:
        return self.world.users[self.bot_id]

    def updates(self, updates: list[Any]) -> Any:
        return self.sim.hub.container(self.bot_id, updates)

    def chat(self, obj: Any, *, need_member: bool = True, zero_hash_ok: bool = False) -> ChatState:
        """Resolve an input channel/peer to a chat the bot may address.

        CHANNEL_INVALID for unknown ids or a wrong or missing (0) access hash, as Telegram
        answers; CHANNEL_PRIVATE when the bot was kicked, or is not in a chat that has no public
        username (``need_member``). FROM_MESSAGE_BOT_DISABLED for an input "from message":
        bots may not use them (core.telegram.org/method/users.getUsers, possible errors).
        `zero_hash_ok`: channels.getChannels, where a bot may name with hash 0 a chat it is in
        (as Telethon relies on).
        """
        _no_from_message(obj)
        channel_id = getattr(obj, "channel_id", None)
        chat = self.world.chats.get(channel_id) if isinstance(channel_id, int) else None
        if chat is None:
            raise RpcFail(400, "CHANNEL_INVALID")
        if hasattr(obj, "access_hash") and obj.access_hash != chat.access_hash:
            in_it = chat.role(self.bot_id).is_participant
            if not (zero_hash_ok and obj.access_hash == 0 and in_it):
                raise RpcFail(400, "CHANNEL_INVALID")
        role = chat.role(self.bot_id)
        if role.name == "KICKED" or (
            need_member and not role.is_participant and chat.username is None
        ):
            raise RpcFail(400, "CHANNEL_PRIVATE")
        return chat

    def user(self, obj: Any, *, zero_hash_ok: bool = False) -> UserState:
        """Resolve an input user/peer: USER_ID_INVALID for unknown ids or a wrong or missing
        (0) access hash, as Telegram answers. `zero_hash_ok`: users.getUsers, where a bot may
        name with hash 0 a user who wrote to it privately (as Telethon relies on). Inputs "from
        message" get FROM_MESSAGE_BOT_DISABLED, as for chats."""
        if isinstance(obj, types.InputUserSelf | types.InputPeerSelf):
            return self.bot
        _no_from_message(obj)
        user_id = getattr(obj, "user_id", None)
        user = self.world.users.get(user_id) if isinstance(user_id, int) else None
        if user is None:
            raise RpcFail(400, "USER_ID_INVALID")
        if hasattr(obj, "access_hash") and obj.access_hash != user.access_hash:
            zero_taken = zero_hash_ok and obj.access_hash == 0 and self._wrote_privately(user.id)
            if not zero_taken:
                raise RpcFail(400, "USER_ID_INVALID")
        return user

    def _wrote_privately(self, user_id: int) -> bool:
        return (user_id, self.bot_id) in self.world.started

    def require_right(self, chat: ChatState, right: str) -> None:
        if not chat.has_admin_right(self.bot_id, right):
            raise RpcFail(400, "CHAT_ADMIN_REQUIRED")


_FROM_MESSAGE = (
    types.InputUserFromMessage,
    types.InputPeerUserFromMessage,
    types.InputChannelFromMessage,
    types.InputPeerChannelFromMessage,
)


def _no_from_message(obj: Any) -> None:
    """Telegram gives bots full users and chats (never `min` ones) and refuses them the
    *FromMessage inputs that clients use for min ones."""
    if isinstance(obj, _FROM_MESSAGE):
        raise RpcFail(400, "FROM_MESSAGE_BOT_DISABLED")
