"""The nouns of Gatekeeper: groups, their channels and settings, verdicts and restrictions.

Ids are Telethon's marked peer ids: users are positive, groups and channels are -100xxxxxxxxxx.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

UserId = int
ChatId = int

MAX_CHANNELS_PER_GROUP = 5
MIN_NOTICE_TTL = 10
MAX_NOTICE_TTL = 24 * 3600


class Verdict(StrEnum):
    """Whether a user is subscribed to a channel, as far as the bot can tell."""

    MEMBER = "member"
    NOT_MEMBER = "not_member"
    UNKNOWN = "unknown"  # the bot cannot check (not admin, channel private or gone)
    PENDING = "pending"  # not a member, but asked to join (a channel that approves members)


class BotState(StrEnum):
    """Where the bot itself stands in a group it serves."""

    OK = "ok"  # an admin with the rights to ban and delete: it guards the group
    DEMOTED = "demoted"  # still in the group without those rights: it acts on nobody
    REMOVED = "removed"  # kicked or gone: the group's state is kept, nothing is done


class OnViolation(StrEnum):
    """What happens to a message from a member who is not subscribed."""

    DELETE_AND_MUTE = "delete_and_mute"
    MUTE = "mute"
    DELETE = "delete_only"  # the message goes and the notice shows; nobody is muted


class Require(StrEnum):
    """Which of a group's channels a member must have joined."""

    ALL = "all"
    ANY = "any"


class OnLeave(StrEnum):
    """When a member who leaves a required channel meets the gate."""

    NOW = "now"  # muted (and told) at once
    NEXT_MESSAGE = "next-message"  # quietly: when they next speak


class Mode(StrEnum):
    """Whether the bot acts in a group, or only watches and counts what it would have done."""

    ENFORCE = "enforce"
    OBSERVE = "observe"  # decides as usual, acts on nobody (a risk-free trial)


class GraceMode(StrEnum):
    """When a newcomer's grace period is over: muted then (strict) or when they write."""

    STRICT = "strict"
    LENIENT = "lenient"


class Sweep(StrEnum):
    """What a warm-up does with the members it finds unsubscribed."""

    OFF = "off"  # nothing: they meet the gate when they next write or arrive
    MUTE = "mute"  # muted, paced, with one summary notice


MAX_WARN_FIRST = 10
MIN_GRACE = 60
MAX_GRACE = 7 * 24 * 3600
MIN_KICK_AFTER = 60
MAX_KICK_AFTER = 366 * 24 * 3600
MIN_DECLINE_AFTER = 60
MAX_DECLINE_AFTER = 30 * 24 * 3600


@dataclass(frozen=True, slots=True)
class GroupSettings:
    on_violation: OnViolation = OnViolation.DELETE_AND_MUTE
    notice_ttl: int = 120  # seconds a notice stays before the bot deletes it
    require: Require = Require.ALL
    kick_after: int | None = None  # seconds muted by the bot before removal; None: never
    warn_first: int = 0  # offending messages only deleted (with a notice) before a mute
    on_leave: OnLeave = OnLeave.NOW
    grace: int | None = None  # seconds a newcomer who lacks a channel is not muted; None: off
    grace_mode: GraceMode = GraceMode.LENIENT
    decline_after: int | None = None  # seconds before an unfinished join request is declined
    pending_accept: bool = False  # a pending request to a private channel counts as joined
    sweep: Sweep = Sweep.OFF  # what a warm-up does with the unsubscribed it finds
    language: str | None = None  # None: not chosen yet (English; /protect sets the admin's)
    notice_text: str | None = None  # the group's own notice (placeholders); None: the standard
    mode: Mode = Mode.ENFORCE


@dataclass(frozen=True, slots=True)
class MemberNote:
    """What the bot keeps about one member of one group besides a mute."""

    group_id: ChatId
    user_id: UserId
    strikes: int = 0  # offending messages let off with a warning (/settings warn N)
    exempt: bool = False  # an admin's /allow: never gated in this group
    label: str | None = None  # how the admin named them, for /allowed
    grace_until: float | None = None  # a newcomer's grace (unix time); kept: granted once
    noted_at: float | None = field(default=None, compare=False)  # last change (unix time)
    struck: int = 0  # the id of the last message counted as a strike (0: none known)

    @property
    def is_empty(self) -> bool:
        return not self.strikes and not self.exempt and self.grace_until is None

    def with_strike(self, message_id: int) -> MemberNote:
        """One more warning, for the message `message_id` (0: unnamed). A message counted
        already, or older than the last one counted (a warning done again after a crash),
        is not counted again."""
        if message_id and message_id <= self.struck:
            return self
        return replace(self, strikes=self.strikes + 1, struck=max(self.struck, message_id))

    def stale(self, now: float, retention: float) -> bool:
        """Warnings and a spent grace, untouched for `retention` seconds, are forgotten (a
        returning member is warned, and given a grace, afresh); an exception never is."""
        if self.exempt or self.noted_at is None or retention <= 0:
            return False
        cutoff = now - retention
        return self.noted_at < cutoff and (self.grace_until is None or self.grace_until < cutoff)


@dataclass(frozen=True, slots=True)
class Channel:
    id: ChatId
    title: str
    username: str | None = None
    invite_link: str | None = None  # exported by the bot for a private channel

    @property
    def join_url(self) -> str | None:
        if self.username:
            return f"https://t.me/{self.username}"
        return self.invite_link

    @property
    def label(self) -> str:
        return f"@{self.username}" if self.username else self.title


@dataclass(frozen=True, slots=True)
class ChannelLink:
    """A channel a group requires, with whether the bot can still check it."""

    channel: Channel
    healthy: bool = True
    problem: str | None = None  # why the bot cannot check it, for /status
    admins_told: bool = False  # the group's admins were told about the problem


@dataclass(frozen=True, slots=True)
class GroupRules:
    """Everything the policy needs to know about one group."""

    group_id: ChatId
    title: str = ""
    protected: bool = False
    settings: GroupSettings = field(default_factory=GroupSettings)
    links: tuple[ChannelLink, ...] = ()
    linked_channel_id: ChatId | None = None  # the channel whose discussion group this is
    bot_state: BotState = BotState.OK
    log_channel_id: ChatId | None = None  # where a line for each action goes (/logchannel)

    @property
    def observing(self) -> bool:
        """Observe-only mode: nothing is done to members, what would have been is counted."""
        return self.settings.mode is Mode.OBSERVE

    @property
    def acting(self) -> bool:
        """Whether the bot may act here (it is an admin with the rights it needs)."""
        return self.bot_state is BotState.OK

    @property
    def channel_ids(self) -> tuple[ChatId, ...]:
        return tuple(link.channel.id for link in self.links)

    @property
    def enforced(self) -> bool:
        return self.protected and bool(self.links)

    def link(self, channel_id: ChatId) -> ChannelLink | None:
        return next((lk for lk in self.links if lk.channel.id == channel_id), None)


@dataclass(frozen=True, slots=True)
class BannedRights:
    """The restriction flags a member had in a group, as Telegram's ChatBannedRights names them."""

    flags: frozenset[str] = frozenset()
    until: int | None = None  # unix time; None = forever

    @property
    def is_empty(self) -> bool:
        return not self.flags


@dataclass(frozen=True, slots=True)
class Restriction:
    """A mute the bot imposed, and what the member's rights were before it."""

    group_id: ChatId
    user_id: UserId
    previous: BannedRights
    imposed_at: float
    missing: tuple[ChatId, ...] = ()  # the channels the member had not joined
    notice_message_id: int | None = None
