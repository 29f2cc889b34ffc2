"""Warm-ups: each group's bulk verification and how far it got, the members its listing
showed, and the group setting for what a warm-up does with the unsubscribed (`sweep`).

Revision ID: 0006_warmups
Revises: 0005_join_requests
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_warmups"
down_revision: str | None = "0005_join_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("sweep", sa.String(length=8), server_default="off", nullable=False)
        )
    op.create_table(
        "warmups",
        sa.Column("bot_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("group_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("queries", sa.JSON(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("queries_done", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Integer(), nullable=False),
        sa.Column("not_subscribed", sa.Integer(), nullable=False),
        sa.Column("muted", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Double(), nullable=False),
        sa.Column("rate_changed_at", sa.Double(), nullable=False),
        sa.Column("started_at", sa.Double(), nullable=False),
        sa.Column("resume_at", sa.Double(), nullable=False),
        sa.Column("finished_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "group_id", name=op.f("pk_warmups")),
    )
    op.create_table(
        "warmup_members",
        sa.Column("bot_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("group_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("access_hash", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "group_id", "user_id", name=op.f("pk_warmup_members")),
    )


def downgrade() -> None:
    op.drop_table("warmup_members")
    op.drop_table("warmups")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("sweep")
