"""Observe-only mode and a log channel per group.

Revision ID: 0009_observe_and_log_channel
Revises: 0008_postponed_work
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_observe_and_log_channel"
down_revision: str | None = "0008_postponed_work"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("mode", sa.String(length=8), server_default="enforce", nullable=False)
        )
        batch.add_column(sa.Column("log_channel_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # The earlier code knows no observe mode: it would enforce in a group that only watched,
    # so such a group goes back unprotected rather than suddenly muting members.
    op.execute("UPDATE groups SET protected = false WHERE mode = 'observe'")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("log_channel_id")
        batch.drop_column("mode")
