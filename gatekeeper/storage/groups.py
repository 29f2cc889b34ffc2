"""GroupStore: the groups the bot serves, their settings and the channels each one requires."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gatekeeper.domain.model import (
    BotState,
    Channel,
    ChannelLink,
    ChatId,
    GraceMode,
    GroupRules,
    GroupSettings,
    Mode,
    OnLeave,
    OnViolation,
    Require,
    Sweep,
)
from gatekeeper.storage._sql import affected, insert_or_ignore, upsert
from gatekeeper.storage.errors import NotFound
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import ChannelRow, GroupChannelRow, GroupRow

_DEFAULTS = GroupSettings()


class GroupStore:
    """This bot's groups and channels (see `BotScope`)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def load_all(self) -> list[GroupRules]:
        """Every group with its links in the order they were made (for the in-memory cache)."""
        bot = self._scope.bot_id
        async with self._sessions() as session:
            query = select(GroupRow).where(GroupRow.bot_id == bot).order_by(GroupRow.id)
            rows = (await session.scalars(query)).all()
            links = await _links(session, bot, None)
        return [_rules(row, links[row.id]) for row in rows]

    async def get(self, group_id: ChatId) -> GroupRules | None:
        async with self._sessions() as session:
            return await _get(session, self._scope.bot_id, group_id)

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
                "on_violation": _DEFAULTS.on_violation.value,
                "notice_ttl": _DEFAULTS.notice_ttl,
                "require": _DEFAULTS.require.value,
                "kick_after": _DEFAULTS.kick_after,
                "warn_first": _DEFAULTS.warn_first,
                "on_leave": _DEFAULTS.on_leave.value,
                "grace": _DEFAULTS.grace,
                "grace_mode": _DEFAULTS.grace_mode.value,
                "decline_after": _DEFAULTS.decline_after,
                "pending_accept": _DEFAULTS.pending_accept,
                "sweep": _DEFAULTS.sweep.value,
                "mode": _DEFAULTS.mode.value,
                "linked_channel_id": linked_channel_id,
                "access_hash": access_hash,
            }
            update_ = ("title", "linked_channel_id") + (
                () if access_hash is None else ("access_hash",)
            )
            stmt = upsert(session, GroupRow, values, key=_ID_KEY, update=update_, also=_touched())
            await session.execute(stmt)
            rules = await _get(session, bot, group_id)
        assert rules is not None
        return rules

    async def set_protected(self, group_id: ChatId, protected: bool) -> None:
        await self._update_group(group_id, protected=protected)

    async def set_bot_state(self, group_id: ChatId, state: BotState) -> None:
        await self._update_group(group_id, bot_state=state.value)

    async def save_settings(self, group_id: ChatId, settings: GroupSettings) -> None:
        await self._update_group(
            group_id,
            on_violation=settings.on_violation.value,
            notice_ttl=settings.notice_ttl,
            require=settings.require.value,
            kick_after=settings.kick_after,
            warn_first=settings.warn_first,
            on_leave=settings.on_leave.value,
            grace=settings.grace,
            grace_mode=settings.grace_mode.value,
            decline_after=settings.decline_after,
            pending_accept=settings.pending_accept,
            sweep=settings.sweep.value,
            language=settings.language,
            notice_text=settings.notice_text,
            mode=settings.mode.value,
        )

    async def set_log_channel(self, group_id: ChatId, channel_id: ChatId | None) -> None:
        """Where the group's log lines go (None: nowhere)."""
        await self._update_group(group_id, log_channel_id=channel_id)

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


async def _get(session: AsyncSession, bot: int, group_id: ChatId) -> GroupRules | None:
    row = await session.get(GroupRow, (bot, group_id), populate_existing=True)
    if row is None:
        return None
    links = await _links(session, bot, (group_id,))
    return _rules(row, links[group_id])


async def _links(
    session: AsyncSession, bot: int, group_ids: Iterable[ChatId] | None
) -> defaultdict[ChatId, list[ChannelLink]]:
    query = (
        select(GroupChannelRow, ChannelRow)
        .join(
            ChannelRow,
            (ChannelRow.bot_id == GroupChannelRow.bot_id)
            & (ChannelRow.id == GroupChannelRow.channel_id),
        )
        .where(GroupChannelRow.bot_id == bot)
        .order_by(GroupChannelRow.group_id, GroupChannelRow.position, GroupChannelRow.id)
    )
    if group_ids is not None:
        query = query.where(GroupChannelRow.group_id.in_(list(group_ids)))
    found: defaultdict[ChatId, list[ChannelLink]] = defaultdict(list)
    for link, channel in await session.execute(query):
        found[link.group_id].append(
            ChannelLink(
                channel=Channel(
                    id=channel.id,
                    title=channel.title,
                    username=channel.username,
                    invite_link=channel.invite_link,
                ),
                healthy=link.healthy,
                problem=link.problem,
                admins_told=link.admins_told,
            )
        )
    return found


def _rules(row: GroupRow, links: Sequence[ChannelLink]) -> GroupRules:
    return GroupRules(
        group_id=row.id,
        title=row.title,
        protected=row.protected,
        settings=GroupSettings(
            on_violation=OnViolation(row.on_violation),
            notice_ttl=row.notice_ttl,
            require=Require(row.require),
            kick_after=row.kick_after,
            warn_first=row.warn_first,
            on_leave=OnLeave(row.on_leave),
            grace=row.grace,
            grace_mode=GraceMode(row.grace_mode),
            decline_after=row.decline_after,
            pending_accept=row.pending_accept,
            sweep=Sweep(row.sweep),
            language=row.language,
            notice_text=row.notice_text,
            mode=Mode(row.mode),
        ),
        links=tuple(links),
        linked_channel_id=row.linked_channel_id,
        bot_state=BotState(row.bot_state),
        log_channel_id=row.log_channel_id,
    )
