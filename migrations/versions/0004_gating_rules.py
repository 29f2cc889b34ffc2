"""Richer gating rules: any-of or all-of, removal after a time muted, warnings first, on-leave,
exceptions (/allow), a grace period for newcomers.

Revision ID: 0004_gating_rules
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_gating_rules"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("require", sa.String(length=8), server_default="all", nullable=False)
        )
        batch.add_column(sa.Column("kick_after", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("warn_first", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("on_leave", sa.String(length=16), server_default="now", nullable=False)
        )
        batch.add_column(sa.Column("grace", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("grace_mode", sa.String(length=8), server_default="lenient", nullable=False)
        )
    op.create_table(
        "member_notes",
        sa.Column("bot_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("group_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("strikes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("exempt", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=True),
        sa.Column("grace_until", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "group_id", "user_id", name=op.f("pk_member_notes")),
    )


def downgrade() -> None:
    # The earlier code knows no delete-only: such groups go back to the default.
    op.execute(
        "UPDATE groups SET on_violation = 'delete_and_mute' WHERE on_violation = 'delete_only'"
    )
    op.drop_table("member_notes")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("grace_mode")
        batch.drop_column("grace")
        batch.drop_column("on_leave")
        batch.drop_column("warn_first")
        batch.drop_column("kick_after")
        batch.drop_column("require")
