"""The simulated world's state: users, chats, participants and messages as plain dataclasses."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field
from typing import Any

ADMIN_RIGHTS = (
    "change_info",
    "post_messages",
    "edit_messages",
    "delete_messages",
    "ban_users",
    "invite_users",
    "pin_messages",
    "add_admins",
    "manage_call",
    "other",
)
"""Admin right flags of ``ChatAdminRights`` the sim models (a bot gets all by default)."""

BANNED_RIGHTS = (
    "view_messages",
    "send_messages",
    "send_media",
    "send_stickers",
    "send_gifs",
    "send_games",
    "send_inline",
    "embed_links",
    "send_polls",
    "change_info",
    "invite_users",
    "pin_messages",
    "manage_topics",
    "send_photos",
    "send_videos",
    "send_roundvideos",
    "send_audios",
    "send_voices",
    "send_docs",
    "send_plain",
)
"""Banned right flags of ``ChatBannedRights`` (True means the member may NOT do it)."""


class Role(enum.Enum):
    CREATOR = "creator"
    ADMIN = "admin"
    MEMBER = "member"
    RESTRICTED = "restricted"
    LEFT = "left"
    KICKED = "kicked"
    # Restricted without being in the chat: an admin restricted a non-member (a discussion
    # group's commenter, say). Telegram answers ChannelParticipantBanned(left=True) for them.
    RESTRICTED_LEFT = "restricted_left"

    @property
    def is_participant(self) -> bool:
        return self not in (Role.LEFT, Role.KICKED, Role.RESTRICTED_LEFT)

    @property
    def is_admin(self) -> bool:
        return self in (Role.CREATOR, Role.ADMIN)


@dataclass
class UserState:
    id: int
    access_hash: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False
    token: str | None = None
    lang_code: str | None = None  # the language of the user's app (Telegram tells bots)
    # bot account update state: last common pts (private messages) and last qts (participants)
    pts: int = 1
    qts: int = 1
    private_log: list[tuple[int, Any]] = field(default_factory=list)  # (pts, UpdateNewMessage)
    qts_log: list[tuple[int, Any]] = field(default_factory=list)  # (qts, update)
    next_private_msg_id: int = 1
    commands: list[tuple[str, str]] = field(default_factory=list)  # bots.SetBotCommands
    # The menus for users of a language (SetBotCommands with a lang_code).
    commands_by_language: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class Participant:
    user_id: int
    role: Role
    date: int
    admin_rights: frozenset[str] = frozenset()
    promoted_by: int | None = None
    banned_rights: frozenset[str] = frozenset()
    until_date: int = 0
    kicked_by: int | None = None
    inviter_id: int | None = None


@dataclass(frozen=True)
class SimButton:
    """An inline button: ``kind`` is "callback" (with ``data``), "url" (with ``url``) or "other"."""

    text: str
    kind: str
    data: bytes | None = None
    url: str | None = None


@dataclass
class SimMessage:
    id: int
    chat_id: int  # bare channel id, or the user id of the private chat's other side
    date: int
    text: str = ""
    sender_user_id: int | None = None  # a user sent it
    sender_chat_id: int | None = None  # posted as a channel (anonymous admin: the group itself)
    fwd_from_chat_id: int | None = None  # automatic forward from a linked channel
    fwd_from_msg_id: int | None = None
    media: str | None = None  # "photo", "document", ... or None
    reply_to: int | None = None
    thread_top: int | None = None  # a reply deeper in a post's comments: the post's forward
    topic: int | None = None  # in a forum: the topic's id (None: General)
    links: list[Any] = field(default_factory=list)  # MessageEntityTextUrl the sender gave
    buttons: list[list[SimButton]] = field(default_factory=list)
    action: Any = None  # a Telethon MessageAction* for service messages
    out_from_bot: int | None = None  # private chats: set when the bot sent it
    private: bool = False
    post: bool = False  # a broadcast channel post
    edit_date: int | None = None

    @property
    def is_service(self) -> bool:
        return self.action is not None


@dataclass
class CallbackQuery:
    id: int
    user_id: int
    bot_id: int
    chat_id: int
    private: bool
    msg_id: int
    data: bytes
    date: float
    answered: bool = False
    answer_text: str | None = None
    alert: bool = False
    url: str | None = None


@dataclass
class ChatState:
    id: int
    access_hash: int
    title: str
    broadcast: bool
    creator_id: int
    date: int
    username: str | None = None
    linked_chat_id: int | None = None
    participants: dict[int, Participant] = field(default_factory=dict)
    messages: dict[int, SimMessage] = field(default_factory=dict)
    next_msg_id: int = 1
    pts: int = 1
    log: list[tuple[int, Any]] = field(default_factory=list)  # (pts after, update)
    invites: list[str] = field(default_factory=list)
    revoked_invites: set[str] = field(default_factory=set)
    join_to_send: bool = False  # discussion group: only members may comment (toggleJoinToSend)
    join_requests: dict[int, int] = field(default_factory=dict)  # user id -> date
    forum: bool = False  # topics enabled (gatekeeper.sim.topics)
    guard_bot_id: int | None = None  # the bot that answers join requests first (guard bot)

    def role(self, user_id: int) -> Role:
        p = self.participants.get(user_id)
        return p.role if p else Role.LEFT

    def is_participant(self, user_id: int) -> bool:
        return self.role(user_id).is_participant

    def has_admin_right(self, user_id: int, right: str) -> bool:
        p = self.participants.get(user_id)
        if p is None:
            return False
        if p.role is Role.CREATOR:
            return True
        return p.role is Role.ADMIN and right in p.admin_rights

    def members(self) -> list[Participant]:
        return [p for p in self.participants.values() if p.role.is_participant]


@dataclass
class BasicGroupState:
    """A basic (legacy) group: no usernames, no channel features; ids are small and unmarked."""

    id: int
    title: str
    creator_id: int
    date: int
    members: set[int] = field(default_factory=set)


CHANNELS_MAX = 500
"""Groups and channels a user may be in (Telegram's limit; USER_CHANNELS_TOO_MUCH beyond)."""


@dataclass
class JoinQuery:
    """A join request put to a chat's guard bot, before it is queued for the admins."""

    id: int
    chat_id: int
    user_id: int
    bot_id: int
    date: int


class World:
    """Holds every entity and hands out realistic, seeded ids and access hashes."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.users: dict[int, UserState] = {}
        self.chats: dict[int, ChatState] = {}
        self.basic_groups: dict[int, BasicGroupState] = {}
        self.queries: dict[int, CallbackQuery] = {}
        self.started: set[tuple[int, int]] = set()  # (user id, bot id): user started the bot
        self.private: dict[tuple[int, int], list[SimMessage]] = {}  # (bot id, user id)
        self.blocked: set[tuple[int, int]] = set()  # (user id, bot id): the user blocked the bot
        self.join_queries: dict[int, JoinQuery] = {}  # a guard bot's pending queries, by id
        self.channels_max = CHANNELS_MAX
        self._next_user_id = 1_000_000_000 + self.rng.randrange(10**8)
        self._next_chat_id = 1_100_000_000 + self.rng.randrange(10**8)

    def new_user_id(self) -> int:
        self._next_user_id += self.rng.randrange(1, 5000)
        return self._next_user_id

    def new_chat_id(self) -> int:
        self._next_chat_id += self.rng.randrange(1, 5000)
        return self._next_chat_id

    def new_access_hash(self) -> int:
        return self.rng.randrange(-(2**63), 2**63)

    def new_random_id(self) -> int:
        return self.rng.randrange(1, 2**62)

    def user(self, user_id: int) -> UserState:
        return self.users[user_id]

    def chat(self, chat_id: int) -> ChatState:
        return self.chats[chat_id]

    def find_username(self, username: str) -> UserState | ChatState | None:
        name = username.lower().lstrip("@")
        for u in self.users.values():
            if u.username and u.username.lower() == name:
                return u
        for c in self.chats.values():
            if c.username and c.username.lower() == name:
                return c
        return None
