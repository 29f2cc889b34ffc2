"""When each member note last changed, so that old warnings and spent graces can be pruned.

Existing notes are stamped with the time of the upgrade: they are kept a whole retention from
then. A downgrade drops the column and keeps every note.

Revision ID: 0010_member_note_times
Revises: 0009_observe_and_log_channel
Create Date: 2026-12-03
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_member_note_times"
down_revision: str | None = "0009_observe_and_log_channel"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_notes") as batch:
        batch.add_column(sa.Column("noted_at", sa.Double(), nullable=True))
    op.execute(
        sa.text("UPDATE member_notes SET noted_at = :now").bindparams(now=round(time.time(), 3))
    )


def downgrade() -> None:
    with op.batch_alter_table("member_notes") as batch:
        batch.drop_column("noted_at")
