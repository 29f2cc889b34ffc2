"""Outbound intents: what the policy wants done; the gateway does it."""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.domain.model import Channel, ChatId, UserId


@dataclass(frozen=True, slots=True)
class DeleteMessage:
    group_id: ChatId
    message_id: int
    author_id: UserId | None = None  # spared if the mute finds them an admin or a bot


@dataclass(frozen=True, slots=True)
class Mute:
    group_id: ChatId
    user_id: UserId
    missing: tuple[ChatId, ...]


@dataclass(frozen=True, slots=True)
class Warn:
    """Tell a member without muting them (delete-only, or a warning before the mute); the
    bot first makes sure they are no admin, as before a mute, so their message is only
    deleted if it may be. `strike`: an offending message, counted towards the mute;
    `message_id` names it, so that a warning done again (replayed after a crash) counts once."""

    group_id: ChatId
    user_id: UserId
    missing: tuple[ChatId, ...]
    strike: bool = False
    message_id: int = 0


@dataclass(frozen=True, slots=True)
class StartGrace:
    """A newcomer who lacks a channel may write until `until` (unix time): remember it."""

    group_id: ChatId
    user_id: UserId
    until: float


@dataclass(frozen=True, slots=True)
class Release:
    group_id: ChatId
    user_id: UserId


@dataclass(frozen=True, slots=True)
class SendNotice:
    group_id: ChatId
    user_id: UserId
    channels: tuple[Channel, ...]
    any_of: bool = False  # one of the channels is enough (the group requires "any")


@dataclass(frozen=True, slots=True)
class Recheck:
    """Look at a member of a group again and mute or release as the policy says.

    Work that Telegram made wait is queued as this, so it is decided afresh, not replayed.
    `joined` names channels a participant update said the member joined (no need to ask
    again); `fresh` asks Telegram about the others instead of trusting the caches.
    """

    group_id: ChatId
    user_id: UserId
    joined: tuple[ChatId, ...] = ()
    fresh: bool = False


Action = DeleteMessage | Mute | Release | SendNotice | StartGrace | Warn
Work = Action | Recheck  # what the postponed-work queue holds
