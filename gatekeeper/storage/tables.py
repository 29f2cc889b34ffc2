"""The schema: groups, channels and the links between them, the bot's mutes, the audit trail.

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
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
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


class GroupRow(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(255), default="")
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    on_violation: Mapped[str] = mapped_column(String(32))
    notice_ttl: Mapped[int] = mapped_column(Integer)
    linked_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    # The bot's own standing: ok, demoted (no admin rights) or removed (kicked, left).
    bot_state: Mapped[str] = mapped_column(String(16), default="ok", server_default="ok")
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ChannelRow(Base):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64))
    invite_link: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class GroupChannelRow(Base):
    """A channel a group requires; `position` keeps the order in which they were linked."""

    __tablename__ = "group_channels"
    __table_args__ = (UniqueConstraint("group_id", "channel_id"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    group_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("groups.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    healthy: Mapped[bool] = mapped_column(Boolean, default=True)
    problem: Mapped[str | None] = mapped_column(Text)
    admins_told: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _now_column()


class RestrictionRow(Base):
    """A mute the bot imposed, with the member's rights before it (so only these are lifted)."""

    __tablename__ = "restrictions"

    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, index=True
    )
    previous_flags: Mapped[list[str]] = mapped_column(JSON)  # sorted flag names
    previous_until: Mapped[int | None] = mapped_column(BigInteger)
    imposed_at: Mapped[float] = mapped_column(Double)  # unix seconds
    missing: Mapped[list[int]] = mapped_column(JSON)  # channel ids the member had not joined
    notice_message_id: Mapped[int | None] = mapped_column(BigInteger)


class AuditRow(Base):
    __tablename__ = "audit"
    __table_args__ = (Index(None, "group_id", "at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    at: Mapped[float] = mapped_column(Double)  # unix seconds
    group_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


metadata = Base.metadata
