"""Join requests: pending requests kept across restarts, and each group's join-request rules.

Revision ID: 0005_join_requests
Revises: 0004_gating_rules
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_join_requests"
down_revision: str | None = "0004_gating_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("decline_after", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("pending_accept", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "join_requests",
        sa.Column("bot_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("requested_at", sa.Double(), nullable=False),
        sa.Column("query_id", sa.BigInteger(), nullable=True),
        sa.Column("asked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("access_hash", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "chat_id", "user_id", name=op.f("pk_join_requests")),
    )


def downgrade() -> None:
    op.drop_table("join_requests")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("pending_accept")
        batch.drop_column("decline_after")
