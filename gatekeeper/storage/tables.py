"""The schema: groups, channels and the links between them, the bot's mutes, the audit trail.

Every row belongs to one bot (`bot_id`, the bot's user id): bots sharing a database never see
each other's groups, channels or mutes. Rows written before bots were told apart carry bot id 0
until the first bot to start claims them. `access_hash` is what this bot must send Telegram to
name a user or channel it learnt about (stored, so a lost or stale session file strands no one).

Ids are Telethon's marked peer ids (users positive, chats -100xxxxxxxxxx), so every id column is a
BIGINT. Unix times the domain hands us as floats (`imposed_at`, audit `at`) are stored as DOUBLE
PRECISION so they round-trip exactly; bookkeeping timestamps (`created_at`, `updated_at`) are set
by the database. The migration in `migrations/versions/` must match this module (a test checks).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY (a BIGINT one is not a rowid alias).
AutoId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _now_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


def _bot_id_column() -> Mapped[int]:
    return mapped_column(BigInteger, primary_key=True, autoincrement=False, server_default="0")


class GroupRow(Base):
    __tablename__ = "groups"

    bot_id: Mapped[int] = _bot_id_column()
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(255), default="")
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    on_violation: Mapped[str] = mapped_column(String(32))
    notice_ttl: Mapped[int] = mapped_column(Integer)
    require: Mapped[str] = mapped_column(String(8), server_default="all")  # all or any
    kick_after: Mapped[int | None] = mapped_column(Integer)  # seconds muted before removal
    warn_first: Mapped[int] = mapped_column(Integer, server_default="0")
    on_leave: Mapped[str] = mapped_column(String(16), server_default="now")
    grace: Mapped[int | None] = mapped_column(Integer)  # seconds; None: no grace period
    grace_mode: Mapped[str] = mapped_column(String(8), server_default="lenient")
    decline_after: Mapped[int | None] = mapped_column(Integer)  # seconds; None: admins decide
    pending_accept: Mapped[bool] = mapped_column(Boolean, server_default=false())
    sweep: Mapped[str] = mapped_column(String(8), server_default="off")  # off or mute
    language: Mapped[str | None] = mapped_column(String(16))  # None: English, not chosen yet
    notice_text: Mapped[str | None] = mapped_column(Text)  # the group's own; None: standard
    mode: Mapped[str] = mapped_column(String(8), server_default="enforce")  # or observe
    log_channel_id: Mapped[int | None] = mapped_column(BigInteger)  # /logchannel
    # The log channel is owed the lines of the later audit entries not logged yet.
    logged_audit_id: Mapped[int | None] = mapped_column(BigInteger)
    linked_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    # The bot's own standing: ok, demoted (no admin rights) or removed (kicked, left).
    bot_state: Mapped[str] = mapped_column(String(16), default="ok", server_default="ok")
    access_hash: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ChannelRow(Base):
    __tablename__ = "channels"

    bot_id: Mapped[int] = _bot_id_column()
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64))
    invite_link: Mapped[str | None] = mapped_column(Text)
    access_hash: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class GroupChannelRow(Base):
    """A channel a group requires; `position` keeps the order in which they were linked."""

    __tablename__ = "group_channels"
    __table_args__ = (
        UniqueConstraint("bot_id", "group_id", "channel_id"),
        ForeignKeyConstraint(
            ["bot_id", "group_id"], ["groups.bot_id", "groups.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["bot_id", "channel_id"], ["channels.bot_id", "channels.id"]),
        Index(None, "bot_id", "channel_id"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger, server_default="0")
    group_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer)
    healthy: Mapped[bool] = mapped_column(Boolean, default=True)
    problem: Mapped[str | None] = mapped_column(Text)
    admins_told: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _now_column()


class RestrictionRow(Base):
    """A mute the bot imposed, with the member's rights before it (so only these are lifted)."""

    __tablename__ = "restrictions"

    bot_id: Mapped[int] = _bot_id_column()
    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, index=True
    )
    previous_flags: Mapped[list[str]] = mapped_column(JSON)  # sorted flag names
    previous_until: Mapped[int | None] = mapped_column(BigInteger)
    imposed_at: Mapped[float] = mapped_column(Double)  # unix seconds
    missing: Mapped[list[int]] = mapped_column(JSON)  # channel ids the member had not joined
    notice_message_id: Mapped[int | None] = mapped_column(BigInteger)
    access_hash: Mapped[int | None] = mapped_column(BigInteger)  # the muted member's


class MemberNoteRow(Base):
    """What the bot keeps about a member of a group besides a mute (only while not empty)."""

    __tablename__ = "member_notes"

    bot_id: Mapped[int] = _bot_id_column()
    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    strikes: Mapped[int] = mapped_column(Integer, server_default="0")
    exempt: Mapped[bool] = mapped_column(Boolean, server_default=false())  # an admin's /allow
    label: Mapped[str | None] = mapped_column(String(255))  # as the admin named them
    grace_until: Mapped[float | None] = mapped_column(Double)  # unix seconds
    noted_at: Mapped[float | None] = mapped_column(Double)  # last change, unix seconds
    struck: Mapped[int] = mapped_column(BigInteger, server_default="0")  # last strike's message


class JoinRequestRow(Base):
    """A request to join a chat the bot guards or checks, until the bot sees it handled."""

    __tablename__ = "join_requests"

    bot_id: Mapped[int] = _bot_id_column()
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    requested_at: Mapped[float] = mapped_column(Double)  # unix seconds, as Telegram dated it
    query_id: Mapped[int | None] = mapped_column(BigInteger)  # as the chat's guard bot
    asked: Mapped[bool] = mapped_column(Boolean, server_default=false())
    problem: Mapped[str | None] = mapped_column(Text)  # why the bot could not write to them
    access_hash: Mapped[int | None] = mapped_column(BigInteger)  # the requester's


class WarmupRow(Base):
    """A group's latest warm-up (bulk verification) and how far it got, so a restart resumes."""

    __tablename__ = "warmups"

    bot_id: Mapped[int] = _bot_id_column()
    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(16))  # requested, running, waiting, done, ...
    phase: Mapped[str] = mapped_column(String(16))  # listing, channels, checking, finished
    reason: Mapped[str] = mapped_column(String(16))  # what asked for it: protect, timer, ...
    queries: Mapped[list[str]] = mapped_column(JSON)  # searches still to list; "" is Recent
    offset: Mapped[int] = mapped_column(Integer)  # into the first of them
    queries_done: Mapped[int] = mapped_column(Integer)
    cursor: Mapped[int] = mapped_column(BigInteger)  # checking: the last member id checked
    total: Mapped[int] = mapped_column(Integer)  # distinct members listed
    verified: Mapped[int] = mapped_column(Integer)
    not_subscribed: Mapped[int] = mapped_column(Integer)
    muted: Mapped[int] = mapped_column(Integer)  # by the sweep (/settings sweep mute)
    rate: Mapped[float] = mapped_column(Double)  # checks per second, adapted to flood waits
    rate_changed_at: Mapped[float] = mapped_column(Double)
    started_at: Mapped[float] = mapped_column(Double)
    resume_at: Mapped[float] = mapped_column(Double)  # waiting: when it goes on
    finished_at: Mapped[float | None] = mapped_column(Double)


class WarmupMemberRow(Base):
    """A member a group's listing showed: a plain member, an admin or a bot, with the access
    hash to name them by (a restricted member is looked up when it matters: their rights)."""

    __tablename__ = "warmup_members"

    bot_id: Mapped[int] = _bot_id_column()
    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))  # member, admin, bot or restricted
    access_hash: Mapped[int | None] = mapped_column(BigInteger)


class PostponedRow(Base):
    """Work the bot decided and Telegram made wait: done once `due_at` has passed (unix
    seconds), also after a crash or a restart. `work` is the batch, as `storage.postponed`
    writes it; `name` is the member's first name, for the notice; `access_hash`, what naming
    them to Telegram takes (a session file may not have it after a crash)."""

    __tablename__ = "postponed_work"
    __table_args__ = (Index(None, "bot_id", "due_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger, server_default="0")
    due_at: Mapped[float] = mapped_column(Double)
    work: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    name: Mapped[str | None] = mapped_column(String(255))
    access_hash: Mapped[int | None] = mapped_column(BigInteger)


class WaitingNoticeRow(Base):
    """A notice to a member that waits for the group's message budget (or for the member's
    last notice to age): sent once the budget allows, also after a stop or a crash. `muted`:
    it tells of a mute (dropped if the member is released first), not of a warning."""

    __tablename__ = "waiting_notices"
    __table_args__ = (Index(None, "bot_id"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger, server_default="0")
    group_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(String(255))
    channels: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    ttl: Mapped[float] = mapped_column(Double)
    thread: Mapped[int | None] = mapped_column(BigInteger)
    any_of: Mapped[bool] = mapped_column(Boolean, server_default=false())
    muted: Mapped[bool] = mapped_column(Boolean, server_default=true())
    access_hash: Mapped[int | None] = mapped_column(BigInteger)


class AuditRow(Base):
    __tablename__ = "audit"
    __table_args__ = (Index(None, "bot_id", "group_id", "at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger, server_default="0")
    at: Mapped[float] = mapped_column(Double)  # unix seconds
    group_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    logged: Mapped[bool | None] = mapped_column(Boolean)  # its line is in the log channel


metadata = Base.metadata
