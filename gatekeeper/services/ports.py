"""What the services need from Telegram, in our own words: a Protocol and our own errors.

telegram/gateway.py implements it; nothing in services/ imports the Telegram adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gatekeeper.domain.callbacks import NoticeButtons
from gatekeeper.domain.model import BannedRights
from gatekeeper.domain.standing import Standing


class ChatUnreachable(Exception):
    """The bot cannot act on or see into a chat; str() says why, for admins."""


class UserUnreachable(Exception):
    """Telegram will not say anything about this user, or let the bot act on them (unknown
    id, deleted account, USER_ID_INVALID): never a sign that they are an admin."""


class FloodWaited(Exception):
    """Telegram cannot take `method` now: the work is done again in `seconds`. A flood wait
    Telegram asked for, or (`TelegramUnavailable`) failures that outlasted the retries; the
    services postpone either the same way."""

    def __init__(self, method: str, seconds: int, message: str | None = None) -> None:
        super().__init__(message or f"Telegram asks to wait {seconds}s before the next {method}")
        self.method = method
        self.seconds = seconds


class TelegramUnavailable(FloodWaited):
    """Dropped connections or Telegram's own errors (500) outlasted the retries of `method`:
    what needed it waits `seconds`, as after a flood wait, and is not lost."""

    def __init__(self, method: str, seconds: int, reason: str) -> None:
        super().__init__(method, seconds, f"{method} failed ({reason}); again in {seconds}s")


@dataclass(frozen=True, slots=True)
class ChatInfo:
    id: int  # marked
    title: str
    username: str | None
    broadcast: bool
    megagroup: bool
    linked_chat_id: int | None = None
    kind: str = "channel"  # channel, supergroup, basic_group, user or bot
    join_to_send: bool = False  # a discussion group where only members may send


class MessageBudget(Protocol):
    """Telegram's budget of messages per group (about 20 a minute), shared by all senders."""

    def take(self, group_id: int) -> bool:
        """Spend one message if the group's budget allows it."""
        ...

    def left(self, group_id: int) -> int:
        """Messages the group's budget allows now."""
        ...

    def spend(self, group_id: int) -> None:
        """Spend one message whatever is left (a message that must go)."""
        ...

    def prune(self) -> None: ...


class Telegram(Protocol):
    """Each call raises FloodWaited for a wait too long to sleep, ChatUnreachable when the bot
    cannot see or act in the chat, UserUnreachable when it cannot know or act on the user."""

    @property
    def message_budget(self) -> MessageBudget: ...

    async def standing(self, chat_id: int, user_id: int) -> Standing: ...

    async def restrict(self, group_id: int, user_id: int, rights: BannedRights) -> bool:
        """Set a member's banned rights; False if Telegram refuses because they are an admin."""
        ...

    async def delete(self, chat_id: int, message_ids: Sequence[int]) -> None: ...

    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        buttons: NoticeButtons | None = None,
        reply_to: int | None = None,
        html: bool = False,
    ) -> int | None:
        """The sent message's id, or None when the bot may not write there. Plain text unless
        `html` (then every name in it must be escaped)."""
        ...

    async def first_name(self, user_id: int) -> str | None: ...

    async def admins(self, group_id: int) -> dict[int, Standing]: ...

    async def chat_info(self, chat: int | str) -> ChatInfo: ...

    async def linked_chat(self, chat_id: int) -> int | None: ...

    async def export_invite(self, chat_id: int) -> str | None: ...

    async def access_hash(self, peer_id: int) -> int | None:
        """The access hash this bot names a user or chat by, if known (storage keeps it)."""
        ...

    async def channels_info(self, chat_ids: Sequence[int]) -> dict[int, ChatInfo]:
        """Fresh facts about each chat the bot can see (batched); the others are left out."""
        ...

    async def invite_revoked(self, chat_id: int, link: str) -> bool: ...


class PrivateRefused(Exception):
    """Telegram will not let the bot write to this user privately; str() says why."""


class RequestGone(Exception):
    """The join request is no longer pending: an admin (or the requester) handled it."""


class TooManyChats(Exception):
    """Telegram will not let the requester in: they are in too many groups and channels."""


class JoinDesk(Protocol):
    """Join requests, as the chat's admin with the invite right (or as its guard bot).

    Each call raises FloodWaited for a wait too long to sleep and ChatUnreachable when the bot
    may not handle requests in the chat."""

    async def approve(self, chat_id: int, user_id: int) -> None:
        """Let the requester in; RequestGone, TooManyChats."""
        ...

    async def decline(self, chat_id: int, user_id: int) -> None:
        """RequestGone when nothing is pending any more."""
        ...

    async def write(self, user_id: int, text: str, buttons: NoticeButtons) -> int:
        """Write to the requester privately (HTML); PrivateRefused says why it cannot."""
        ...

    async def answer_query(self, query_id: int, approve: bool) -> None:
        """As the chat's guard bot: let them in (`approve`) or queue the request for the
        admins; RequestGone when the query cannot be answered (any more)."""
        ...


@dataclass(frozen=True, slots=True)
class Listed:
    """One member a listing showed, and where they stand (access hash and is_bot included)."""

    user_id: int
    standing: Standing


@dataclass(frozen=True, slots=True)
class ParticipantsPage:
    members: tuple[Listed, ...]
    count: int  # how many match the query in all, even past what Telegram lists


class Listing(Protocol):
    """channels.getParticipants, for the warm-up; errors as for `Telegram`."""

    async def participants(self, chat_id: int, query: str, offset: int) -> ParticipantsPage:
        """A page of up to 200 members: the most recent for query "", else those whose name
        has a word starting with `query`."""
        ...

    def flood_waits(self, method: str) -> int:
        """How many flood waits Telegram has given for `method` so far (short ones included,
        which the pacing module sleeps through): a warm-up slows down when this grows."""
        ...
