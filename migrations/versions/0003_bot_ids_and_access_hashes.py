"""Rows per bot (several bots can share one database) and the access hashes the bot needs.

Every table gets `bot_id` (existing rows get 0: the first bot to start claims them, see
`Storage.bind`); groups, channels and restrictions get `access_hash`. Keys become per bot.
A downgrade keeps every row; it fails if two bots hold a row for the same group or channel.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_GROUP = "fk_group_channels_group_id_groups"
FK_CHANNEL = "fk_group_channels_channel_id_channels"
UQ_OLD = "uq_group_channels_group_id_channel_id"
UQ_NEW = "uq_group_channels_bot_id_group_id_channel_id"
FK_GROUP_NEW = "fk_group_channels_bot_id_groups"
FK_CHANNEL_NEW = "fk_group_channels_bot_id_channels"


def _bot_id() -> sa.Column[int]:
    return sa.Column("bot_id", sa.BigInteger(), server_default="0", nullable=False)


def _rekey(table: str, key: list[str], *, access_hash: bool) -> None:
    with op.batch_alter_table(table, recreate="always") as batch:
        batch.add_column(_bot_id())
        if access_hash:
            batch.add_column(sa.Column("access_hash", sa.BigInteger(), nullable=True))
        batch.drop_constraint(f"pk_{table}", type_="primary")
        batch.create_primary_key(f"pk_{table}", ["bot_id", *key])


def _unkey(table: str, key: list[str], *, access_hash: bool) -> None:
    with op.batch_alter_table(table, recreate="always") as batch:
        batch.drop_constraint(f"pk_{table}", type_="primary")
        batch.create_primary_key(f"pk_{table}", key)
        if access_hash:
            batch.drop_column("access_hash")
        batch.drop_column("bot_id")


def upgrade() -> None:
    # The links first let go of groups and channels, so that rebuilding those (SQLite copies a
    # table to change its key) cannot cascade into the links.
    with op.batch_alter_table("group_channels", recreate="always") as batch:
        batch.drop_constraint(FK_GROUP, type_="foreignkey")
        batch.drop_constraint(FK_CHANNEL, type_="foreignkey")
        batch.drop_constraint(UQ_OLD, type_="unique")
        batch.drop_index("ix_group_channels_channel_id")
        batch.add_column(_bot_id())
    _rekey("groups", ["id"], access_hash=True)
    _rekey("channels", ["id"], access_hash=True)
    with op.batch_alter_table("group_channels", recreate="always") as batch:
        batch.create_unique_constraint(UQ_NEW, ["bot_id", "group_id", "channel_id"])
        batch.create_foreign_key(
            FK_GROUP_NEW, "groups", ["bot_id", "group_id"], ["bot_id", "id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            FK_CHANNEL_NEW, "channels", ["bot_id", "channel_id"], ["bot_id", "id"]
        )
        batch.create_index("ix_group_channels_bot_id_channel_id", ["bot_id", "channel_id"])
    _rekey("restrictions", ["group_id", "user_id"], access_hash=True)
    with op.batch_alter_table("audit") as batch:
        batch.add_column(_bot_id())
        batch.drop_index("ix_audit_group_id_at")
        batch.create_index("ix_audit_bot_id_group_id_at", ["bot_id", "group_id", "at"])


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_index("ix_audit_bot_id_group_id_at")
        batch.create_index("ix_audit_group_id_at", ["group_id", "at"])
        batch.drop_column("bot_id")
    _unkey("restrictions", ["group_id", "user_id"], access_hash=True)
    with op.batch_alter_table("group_channels", recreate="always") as batch:
        batch.drop_index("ix_group_channels_bot_id_channel_id")
        batch.drop_constraint(FK_GROUP_NEW, type_="foreignkey")
        batch.drop_constraint(FK_CHANNEL_NEW, type_="foreignkey")
        batch.drop_constraint(UQ_NEW, type_="unique")
    _unkey("groups", ["id"], access_hash=True)
    _unkey("channels", ["id"], access_hash=True)
    with op.batch_alter_table("group_channels", recreate="always") as batch:
        batch.drop_column("bot_id")
        batch.create_unique_constraint(UQ_OLD, ["group_id", "channel_id"])
        batch.create_foreign_key(FK_GROUP, "groups", ["group_id"], ["id"], ondelete="CASCADE")
        batch.create_foreign_key(FK_CHANNEL, "channels", ["channel_id"], ["id"])
        batch.create_index("ix_group_channels_channel_id", ["channel_id"])
