"""The message each member's last warning counted, so that a warning done again (postponed
work replayed after a crash) does not count its message twice.

Existing notes get 0 (no message known): their next warning counts as before. A downgrade
drops the column.

Revision ID: 0011_member_note_struck
Revises: 0010_member_note_times
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_member_note_struck"
down_revision: str | None = "0010_member_note_times"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_notes") as batch:
        batch.add_column(sa.Column("struck", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("member_notes") as batch:
        batch.drop_column("struck")
