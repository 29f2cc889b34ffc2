"""Initial schema: groups, channels, group_channels, restrictions, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only auto-increments an INTEGER PRIMARY KEY.
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("protected", sa.Boolean(), nullable=False),
        sa.Column("on_violation", sa.String(length=32), nullable=False),
        sa.Column("notice_ttl", sa.Integer(), nullable=False),
        sa.Column("linked_channel_id", sa.BigInteger(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
    )
    op.create_table(
        "channels",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("invite_link", sa.Text(), nullable=True),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
    )
    op.create_table(
        "group_channels",
        sa.Column("id", AUTO_ID, nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("healthy", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("admins_told", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_channels_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_group_channels_channel_id_channels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_channels")),
        sa.UniqueConstraint(
            "group_id", "channel_id", name=op.f("uq_group_channels_group_id_channel_id")
        ),
    )
    op.create_index(op.f("ix_group_channels_channel_id"), "group_channels", ["channel_id"])
    op.create_table(
        "restrictions",
        sa.Column("group_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("previous_flags", sa.JSON(), nullable=False),
        sa.Column("previous_until", sa.BigInteger(), nullable=True),
        sa.Column("imposed_at", sa.Double(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("notice_message_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_restrictions")),
    )
    op.create_index(op.f("ix_restrictions_user_id"), "restrictions", ["user_id"])
    op.create_table(
        "audit",
        sa.Column("id", AUTO_ID, nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index(op.f("ix_audit_group_id_at"), "audit", ["group_id", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_group_id_at"), table_name="audit")
    op.drop_table("audit")
    op.drop_index(op.f("ix_restrictions_user_id"), table_name="restrictions")
    op.drop_table("restrictions")
    op.drop_index(op.f("ix_group_channels_channel_id"), table_name="group_channels")
    op.drop_table("group_channels")
    op.drop_table("channels")
    op.drop_table("groups")
