"""The bot's own standing in each group: ok, demoted or removed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("bot_state", sa.String(length=16), server_default="ok", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("bot_state")
