"""GroupStore: the groups the bot serves, their settings and the channels each one requires."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gatekeeper.domain.model import (
    BotState,
    Channel,
    ChatId,
    GroupRules,
    GroupSettings,
)
from gatekeeper.storage._sql import affected, insert_or_ignore, upsert
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.errors import NotFound
from gatekeeper.storage.group_rows import channel_links, group_rules, rules_of, settings_values
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import AuditRow, ChannelRow, GroupChannelRow, GroupRow

_DEFAULTS = GroupSettings()


class GroupStore:
    """This bot's groups and channels (see `BotScope`)."""

    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def load_all(self) -> list[GroupRules]:
        """Every group with its links in the order they were made (for the in-memory cache)."""
        bot = self._scope.bot_id
        async with self._sessions() as session:
            query = select(GroupRow).where(GroupRow.bot_id == bot).order_by(GroupRow.id)
            rows = (await session.scalars(query)).all()
            links = await channel_links(session, bot, None)
        return [rules_of(row, links[row.id]) for row in rows]

    async def get(self, group_id: ChatId) -> GroupRules | None:
        async with self._sessions() as session:
            return await group_rules(session, self._scope.bot_id, group_id)

    async def access_hashes(self) -> dict[ChatId, int]:
        """The access hash of every group and channel this bot recorded one for."""
        bot = self._scope.bot_id
        found: dict[ChatId, int] = {}
        async with self._sessions() as session:
            for table in (GroupRow, ChannelRow):
                rows = await session.execute(
                    select(table.id, table.access_hash).where(
                        table.bot_id == bot, table.access_hash.is_not(None)
                    )
                )
                found.update({chat_id: hash_ for chat_id, hash_ in rows if hash_ is not None})
        return found

    async def ensure_group(
        self,
        group_id: ChatId,
        title: str,
        linked_channel_id: ChatId | None,
        *,
        access_hash: int | None = None,
    ) -> GroupRules:
        """Create the group (unprotected, default settings) or refresh its title/linked channel
        (and its access hash, when one is given)."""
        bot = self._scope.bot_id
        async with self._sessions.begin() as session:
            values = {
                "bot_id": bot,
                "id": group_id,
                "title": title,
                "protected": False,
                **settings_values(_DEFAULTS),
                "linked_channel_id": linked_channel_id,
                "access_hash": access_hash,
            }
            update_ = ("title", "linked_channel_id") + (
                () if access_hash is None else ("access_hash",)
            )
            stmt = upsert(session, GroupRow, values, key=_ID_KEY, update=update_, also=_touched())
            await session.execute(stmt)
            rules = await group_rules(session, bot, group_id)
        assert rules is not None
        return rules

    async def set_protected(self, group_id: ChatId, protected: bool) -> None:
        await self._update_group(group_id, protected=protected)

    async def set_bot_state(self, group_id: ChatId, state: BotState) -> None:
        await self._update_group(group_id, bot_state=state.value)

    async def save_settings(self, group_id: ChatId, settings: GroupSettings) -> None:
        await self._update_group(group_id, **settings_values(settings))

    async def set_log_channel(self, group_id: ChatId, channel_id: ChatId | None) -> None:
        """Where the group's log lines go (None: nowhere). A channel set is owed only the lines
        of what happens from now on."""
        latest = (
            select(func.coalesce(func.max(AuditRow.id), 0))
            .where(AuditRow.bot_id == self._scope.bot_id, AuditRow.group_id == group_id)
            .scalar_subquery()
        )
        await self._update_group(group_id, log_channel_id=channel_id, logged_audit_id=latest)

    async def save_channel(self, channel: Channel, *, access_hash: int | None = None) -> None:
        """Record a channel (and the access hash to name it by, when one is given)."""
        values: dict[str, object] = {
            "bot_id": self._scope.bot_id,
            "id": channel.id,
            "title": channel.title,
            "username": channel.username,
            "invite_link": channel.invite_link,
        }
        if access_hash is not None:
            values["access_hash"] = access_hash
        async with self._sessions.begin() as session:
            await session.execute(upsert(session, ChannelRow, values, key=_ID_KEY, also=_touched()))

    async def link(self, group_id: ChatId, channel_id: ChatId) -> bool:
        """Require `channel_id` in the group, after the channels already linked.

        True when newly linked; False when it already was (its place and health are kept).
        Both the group and the channel must have been saved first.
        """
        bot = self._scope.bot_id
        async with self._sessions.begin() as session:
            await _require(session, GroupRow, bot, group_id, "group")
            await _require(session, ChannelRow, bot, channel_id, "channel")
            last = await session.scalar(
                select(func.max(GroupChannelRow.position)).where(
                    GroupChannelRow.bot_id == bot, GroupChannelRow.group_id == group_id
                )
            )
            values = {
                "bot_id": bot,
                "group_id": group_id,
                "channel_id": channel_id,
                "position": 0 if last is None else last + 1,
                "healthy": True,
                "problem": None,
                "admins_told": False,
            }
            stmt = insert_or_ignore(session, GroupChannelRow, values, key=_LINK_KEY)
            changed = await affected(session, stmt)
        return changed == 1

    async def unlink(self, group_id: ChatId, channel_id: ChatId) -> bool:
        """True when the link existed and is gone."""
        async with self._sessions.begin() as session:
            changed = await affected(
                session, delete(GroupChannelRow).where(*self._link_is(group_id, channel_id))
            )
        return changed == 1

    async def set_link_health(
        self,
        group_id: ChatId,
        channel_id: ChatId,
        *,
        healthy: bool,
        problem: str | None,
        admins_told: bool,
    ) -> bool:
        """Record whether the bot can check the channel; False when there is no such link."""
        async with self._sessions.begin() as session:
            changed = await affected(
                session,
                update(GroupChannelRow)
                .where(*self._link_is(group_id, channel_id))
                .values(healthy=healthy, problem=problem, admins_told=admins_told),
            )
        return changed == 1

    async def _update_group(self, group_id: ChatId, **values: object) -> None:
        async with self._sessions.begin() as session:
            changed = await affected(
                session,
                update(GroupRow)
                .where(GroupRow.bot_id == self._scope.bot_id, GroupRow.id == group_id)
                .values(**values),
            )
            if changed != 1:
                raise NotFound(f"no group {group_id}")

    def _link_is(self, group_id: ChatId, channel_id: ChatId) -> tuple[ColumnElement[bool], ...]:
        return (
            GroupChannelRow.bot_id == self._scope.bot_id,
            GroupChannelRow.group_id == group_id,
            GroupChannelRow.channel_id == channel_id,
        )


_ID_KEY = ("bot_id", "id")
_LINK_KEY = ("bot_id", "group_id", "channel_id")


def _touched() -> dict[str, object]:
    return {"updated_at": func.now()}


async def _require(
    session: AsyncSession,
    row: type[GroupRow] | type[ChannelRow],
    bot: int,
    id_: ChatId,
    what: str,
) -> None:
    if not await session.scalar(select(exists().where(row.bot_id == bot, row.id == id_))):
        raise NotFound(f"no {what} {id_}")
