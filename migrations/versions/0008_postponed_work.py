"""Postponed work: what the bot decided but Telegram made wait (a flood wait, an error, a
shutdown with work in flight), kept so that a crash or a restart does not lose it.

Revision ID: 0008_postponed_work
Revises: 0007_group_language
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_postponed_work"
down_revision: str | None = "0007_group_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "postponed_work",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bot_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("due_at", sa.Double(), nullable=False),
        sa.Column("work", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("access_hash", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postponed_work")),
    )
    op.create_index(op.f("ix_postponed_work_bot_id_due_at"), "postponed_work", ["bot_id", "due_at"])


def downgrade() -> None:
    # The earlier code keeps postponed work in memory only: what is waiting is decided again
    # when its member next speaks or is re-checked.
    op.drop_index(op.f("ix_postponed_work_bot_id_due_at"), table_name="postponed_work")
    op.drop_table("postponed_work")
