"""Messages the bot owes, kept across a stop or a crash: notices waiting for a group's message
budget (`waiting_notices`), and the log lines not sent yet: the audit entries after a group's
`logged_audit_id` whose line is not `logged`.

Groups that have a log channel are marked as sent up to their latest audit entry at the
upgrade, so that the log channel is not sent its whole history. A downgrade drops both: waiting
notices are told again when their members next write, and unsent log lines are not sent.

Revision ID: 0012_owed_messages
Revises: 0011_member_note_struck
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_owed_messages"
down_revision: str | None = "0011_member_note_struck"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waiting_notices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bot_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("ttl", sa.Double(), nullable=False),
        sa.Column("thread", sa.BigInteger(), nullable=True),
        sa.Column("any_of", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("muted", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("access_hash", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_notices")),
    )
    op.create_index(op.f("ix_waiting_notices_bot_id"), "waiting_notices", ["bot_id"])
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("logged_audit_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("logged", sa.Boolean(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE groups SET logged_audit_id = (SELECT COALESCE(MAX(audit.id), 0) FROM audit"
            " WHERE audit.bot_id = groups.bot_id AND audit.group_id = groups.id)"
            " WHERE log_channel_id IS NOT NULL"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("logged")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("logged_audit_id")
    op.drop_index(op.f("ix_waiting_notices_bot_id"), table_name="waiting_notices")
    op.drop_table("waiting_notices")
