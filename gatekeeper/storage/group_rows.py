"""Between a group's rows and its GroupRules: reading the rules, writing the settings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
from gatekeeper.storage.tables import ChannelRow, GroupChannelRow, GroupRow


async def group_rules(session: AsyncSession, bot: int, group_id: ChatId) -> GroupRules | None:
    row = await session.get(GroupRow, (bot, group_id), populate_existing=True)
    if row is None:
        return None
    links = await channel_links(session, bot, (group_id,))
    return rules_of(row, links[group_id])


async def channel_links(
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


def rules_of(row: GroupRow, links: Sequence[ChannelLink]) -> GroupRules:
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


def settings_values(settings: GroupSettings) -> dict[str, object]:
    """A group's settings as the values of its row's columns."""
    return {
        "on_violation": settings.on_violation.value,
        "notice_ttl": settings.notice_ttl,
        "require": settings.require.value,
        "kick_after": settings.kick_after,
        "warn_first": settings.warn_first,
        "on_leave": settings.on_leave.value,
        "grace": settings.grace,
        "grace_mode": settings.grace_mode.value,
        "decline_after": settings.decline_after,
        "pending_accept": settings.pending_accept,
        "sweep": settings.sweep.value,
        "language": settings.language,
        "notice_text": settings.notice_text,
        "mode": settings.mode.value,
    }
