"""Inbound facts, translated from Telegram updates by the adapter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gatekeeper.domain.model import ChatId, UserId


class SenderKind(StrEnum):
    USER = "user"  # a person writing as themselves
    SELF = "self"  # the bot
    GROUP = "group"  # an anonymous admin, posting as the group itself
    LINKED_CHANNEL = "linked_channel"  # automatic forward from the group's linked channel
    OTHER_CHANNEL = "other_channel"  # someone posting "as" a channel of their own


@dataclass(frozen=True, slots=True)
class Sender:
    kind: SenderKind
    peer_id: int  # user id, or the marked id of the channel/group the post is sent as
    is_admin: bool = False  # creator or admin of the group
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class MessagePosted:
    group_id: ChatId
    message_id: int
    sender: Sender
    is_service: bool = False


@dataclass(frozen=True, slots=True)
class MemberJoined:
    group_id: ChatId
    user_id: UserId
    is_admin: bool = False
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class ChannelMembershipChanged:
    """A user's subscription to a channel changed (from a participant update)."""

    channel_id: ChatId
    user_id: UserId
    was_member: bool
    is_member: bool

    @property
    def joined(self) -> bool:
        return self.is_member and not self.was_member

    @property
    def left(self) -> bool:
        return self.was_member and not self.is_member


@dataclass(frozen=True, slots=True)
class Actor:
    """Who gave a command or pressed a setting: a person, or an anonymous admin (no id)."""

    user_id: UserId | None
    name: str

    @property
    def detail(self) -> dict[str, object]:
        """As the audit trail keeps it: an id, never a name."""
        return {"by_id": self.user_id}
