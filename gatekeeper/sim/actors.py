"""The story API for tests: people, bots and chats that act and can be asked about the world."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telethon.tl import types

from gatekeeper.sim.chat_settings import ChatSettings
from gatekeeper.sim.entities import chat_tl, user_tl
from gatekeeper.sim.errors import SimRefused
from gatekeeper.sim.membership import Membership
from gatekeeper.sim.topics import Topics
from gatekeeper.sim.world import (
    ADMIN_RIGHTS,
    BANNED_RIGHTS,
    ChatState,
    Participant,
    Role,
    SimMessage,
    UserState,
)

if TYPE_CHECKING:
    from gatekeeper.sim.server import SimTelegram
    from gatekeeper.sim.world import CallbackQuery


class SimUser(Membership):
    """A person or a bot. Actions are synchronous and push updates; ``await sim.settle()`` after."""

    def __init__(self, sim: SimTelegram, state: UserState) -> None:
        self.sim = sim
        self.state = state

    def __repr__(self) -> str:
        return f"SimUser({self.state.first_name!r}, id={self.id})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimUser) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    id = property(lambda self: self.state.id)
    username = property(lambda self: self.state.username)
    first_name = property(lambda self: self.state.first_name)
    token = property(lambda self: self.state.token)
    access_hash = property(lambda self: self.state.access_hash)

    @property
    def entity(self) -> Any:
        """The ``types.User`` a client may pass to Telethon methods."""
        return user_tl(self.state)

    @property
    def input_peer(self) -> Any:
        return types.InputPeerUser(self.id, self.access_hash)

    # -- messages ---------------------------------------------------------------------------
    def send(
        self,
        chat: SimChat,
        text: str = "",
        *,
        media: str | None = None,
        reply_to: int | None = None,
    ) -> SimMessage:
        """Post in a group (or a channel she administers). Raises SimRefused if she may not."""
        refusal = self.sim.ops.write_refusal(chat.state, self.id, media, reply_to)
        if refusal is not None:
            raise SimRefused(refusal, f"{self} cannot write in {chat}")
        root = self.sim.ops.thread_root(chat.state, reply_to)
        msg = SimMessage(
            0,
            chat.id,
            self.sim.ops.now(),
            text,
            sender_user_id=self.id,
            media=media,
            reply_to=reply_to,
            thread_top=root if root != reply_to else None,
        )
        self.sim.ops.post(chat.state, msg)
        return msg

    def comment(self, post: SimMessage, text: str) -> SimMessage:
        """Comment on a channel's post: a reply to its automatic forward in the discussion
        group. Non-members may comment unless the group has join_to_send on
        (CHAT_GUEST_SEND_FORBIDDEN)."""
        channel = self.sim.world.chats[post.chat_id]
        if channel.linked_chat_id is None:
            raise SimRefused("MSG_ID_INVALID", "the channel has no discussion group")
        group = self.sim.chat(channel.linked_chat_id)
        forward = next(
            m
            for m in group.state.messages.values()
            if m.fwd_from_chat_id == channel.id and m.fwd_from_msg_id == post.id
        )
        return self.send(group, text, reply_to=forward.id)

    def edit(self, message: SimMessage, text: str) -> None:
        """Edit one of her messages in a group: members of the group receive the edit."""
        chat = self.sim.world.chats[message.chat_id]
        if message.sender_user_id != self.id or message.id not in chat.messages:
            raise SimRefused("MESSAGE_AUTHOR_REQUIRED", f"{self} cannot edit that message")
        if message.text == text:
            raise SimRefused("MESSAGE_NOT_MODIFIED", "the text is the same")
        message.text = text
        self.sim.ops.edit(chat, message)

    def send_as(self, chat: SimChat, channel: SimChat, text: str) -> SimMessage:
        """Post in ``chat`` as ``channel`` (she must own it or be its admin with post rights)."""
        if not channel.state.has_admin_right(self.id, "post_messages"):
            raise SimRefused("SEND_AS_PEER_INVALID", f"{self} may not post as {channel}")
        refusal = self.sim.ops.write_refusal(chat.state, self.id)
        if refusal is not None:
            raise SimRefused(refusal, f"{self} cannot write in {chat}")
        msg = SimMessage(0, chat.id, self.sim.ops.now(), text, sender_chat_id=channel.id)
        self.sim.ops.post(chat.state, msg)
        return msg

    def send_anonymously(self, chat: SimChat, text: str) -> SimMessage:
        """An anonymous admin's post: the sender is the group itself."""
        if not chat.state.role(self.id).is_admin:
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{self} is not an admin of {chat}")
        msg = SimMessage(0, chat.id, self.sim.ops.now(), text, sender_chat_id=chat.id)
        self.sim.ops.post(chat.state, msg)
        return msg

    def start_private(self, bot: SimUser, text: str = "/start") -> SimMessage:
        """Open the private chat with ``bot`` (marks it started) and send ``text``."""
        self.sim.world.started.add((self.id, bot.id))
        return self.sim.ops.private_message(bot.id, self.id, text, from_bot=False)

    def private_messages_from(self, bot: SimUser) -> list[SimMessage]:
        return [
            m
            for m in self.sim.world.private.get((bot.id, self.id), [])
            if m.sender_user_id == bot.id
        ]

    def press_nowait(self, message: SimMessage, data: bytes | None = None) -> CallbackQuery:
        """Press a callback button (the first one when ``data`` is None); the bot is not awaited."""
        callbacks = [b.data for row in message.buttons for b in row if b.kind == "callback"]
        if data is None:
            if not callbacks:
                raise SimRefused("DATA_INVALID", "the message has no callback button")
            data = callbacks[0] or b""
        bot_id = message.out_from_bot or message.sender_user_id
        if bot_id is None or not self.sim.world.users[bot_id].is_bot:
            raise SimRefused("BOT_INVALID", "only a bot's message has callback buttons")
        return self.sim.ops.press(self.id, bot_id, message, data)

    async def press(self, message: SimMessage, data: bytes | None = None) -> CallbackQuery:
        """Press, settle, and return the query (``answered``, ``answer_text``, ``alert``)."""
        query = self.press_nowait(message, data)
        await self.sim.settle()
        return query

    # -- admin actions by hand --------------------------------------------------------------
    def restrict(self, chat: SimChat, user: SimUser, until: int = 0, **banned: bool) -> None:
        """As an admin, apply ChatBannedRights flags (True = forbidden); all False lifts."""
        unknown = set(banned) - set(BANNED_RIGHTS)
        if unknown:
            raise ValueError(f"unknown banned rights {sorted(unknown)}")
        if not chat.state.has_admin_right(self.id, "ban_users"):
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{self} cannot restrict in {chat}")
        if chat.state.role(user.id).is_admin:
            raise SimRefused("USER_ADMIN_INVALID", f"{user} is an admin of {chat}")
        rights = frozenset(k for k, v in banned.items() if v)
        self.sim.ops.apply_banned_rights(
            chat.state, user.id, rights, self.sim.ops.normalize_until(until), self.id
        )

    def unrestrict(self, chat: SimChat, user: SimUser) -> None:
        self.restrict(chat, user)

    def kick(self, chat: SimChat, user: SimUser) -> None:
        """Ban (view_messages) then unban, like Telethon's kick_participant."""
        self.restrict(chat, user, view_messages=True)
        self.restrict(chat, user)


class SimChat(ChatSettings, Topics):
    """A supergroup (``broadcast`` False) or a broadcast channel."""

    def __init__(self, sim: SimTelegram, state: ChatState) -> None:
        self.sim = sim
        self.state = state

    def __repr__(self) -> str:
        return f"SimChat({self.state.title!r}, id={self.id})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimChat) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    id = property(lambda self: self.state.id)
    title = property(lambda self: self.state.title)
    username = property(lambda self: self.state.username)
    broadcast = property(lambda self: self.state.broadcast)
    access_hash = property(lambda self: self.state.access_hash)

    @property
    def peer_id(self) -> int:
        """Telethon's marked id (-100<bare id>), as ``event.chat_id`` reports it."""
        return -1_000_000_000_000 - self.state.id

    @property
    def entity(self) -> Any:
        """The ``types.Channel`` a client may pass to Telethon methods."""
        return chat_tl(self.state)

    @property
    def input_peer(self) -> Any:
        return types.InputPeerChannel(self.id, self.access_hash)

    def link_discussion(self, group: SimChat) -> None:
        """Make ``group`` this channel's discussion group (posts are auto-forwarded there)."""
        self.state.linked_chat_id = group.id
        group.state.linked_chat_id = self.id

    def promote(self, user: SimUser, by: SimUser, **rights: bool) -> None:
        """Make ``user`` an admin; without flags every right, else the flags set True."""
        unknown = set(rights) - set(ADMIN_RIGHTS)
        if unknown:
            raise ValueError(f"unknown admin rights {sorted(unknown)}")
        if not self.state.has_admin_right(by.id, "add_admins"):
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{by} cannot promote in {self}")
        granted = (
            frozenset(ADMIN_RIGHTS) if not rights else frozenset(k for k, v in rights.items() if v)
        )
        self.sim.ops.promote(self.state, user.id, granted, by.id)

    @property
    def members_can_add(self) -> bool:
        """Whether plain members may add people (Telegram's default for supergroups: yes)."""
        return self.id not in self.sim.ops.members_cannot_add

    @members_can_add.setter
    def members_can_add(self, allowed: bool) -> None:
        if allowed:
            self.sim.ops.members_cannot_add.discard(self.id)
        else:
            self.sim.ops.members_cannot_add.add(self.id)

    def demote(self, user: SimUser, by: SimUser) -> None:
        if self.state.role(user.id) is Role.ADMIN:
            self.sim.ops.demote(self.state, user.id, by.id)

    def post(self, text: str, *, media: str | None = None) -> SimMessage:
        """A post by the channel itself (auto-forwarded to a linked discussion group)."""
        msg = SimMessage(0, self.id, self.sim.ops.now(), text, media=media)
        self.sim.ops.post(self.state, msg)
        return msg

    # -- queries ------------------------------------------------------------------------------
    def role(self, user: SimUser) -> Role:
        return self.state.role(user.id)

    def participant(self, user: SimUser) -> Participant | None:
        """The record of a current or kicked participant; None if never in or left."""
        return self.state.participants.get(user.id)

    def can_write(self, user: SimUser) -> bool:
        return self.sim.ops.write_refusal(self.state, user.id) is None

    def is_member(self, user: SimUser) -> bool:
        return self.state.is_participant(user.id)

    def members(self) -> list[SimUser]:
        return [self.sim.user(p.user_id) for p in self.state.members()]

    def messages(self, include_service: bool = False) -> list[SimMessage]:
        """Messages still visible, oldest first."""
        return [m for m in self.state.messages.values() if include_service or not m.is_service]

    def message(self, msg_id: int) -> SimMessage | None:
        return self.state.messages.get(msg_id)

    def last_message(self) -> SimMessage | None:
        msgs = self.messages()
        return msgs[-1] if msgs else None

    def join_requests(self) -> list[int]:
        return list(self.state.join_requests)

    def invite_links(self) -> list[str]:
        """Links that still work (revoked ones are left out)."""
        return [link for link in self.state.invites if link not in self.state.revoked_invites]
