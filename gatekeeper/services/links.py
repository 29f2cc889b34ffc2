"""The health of group-channel links: broken links punish nobody, admins hear of it once."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.model import Channel, ChannelLink, ChatId
from gatekeeper.services.notices import Notices
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram, UserUnreachable
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

REFRESH_INTERVAL = 86_400.0  # a linked channel's names and invite link are re-read this often


class LinkHealth:
    def __init__(
        self, gateway: Telegram, registry: Registry, notices: Notices, clock: Clock
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._notices = notices
        self._clock = clock
        self._locks: dict[ChatId, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.bot_id = 0
        self.on_healed: Callable[[ChatId, ChatId], None] = lambda group_id, channel_id: None
        self._refreshed: dict[ChatId, float] = {}  # channel -> when last re-read

    async def broken(self, channel_id: ChatId, problem: str) -> None:
        """The bot cannot check this channel: mark every link to it, tell each group once."""
        async with self._locks[channel_id]:
            await self._broken(channel_id, problem)

    async def _broken(self, channel_id: ChatId, problem: str) -> None:
        for rules in self._registry.groups_requiring(channel_id):
            link = rules.link(channel_id)
            if link is None or (not link.healthy and link.admins_told):
                continue
            await self._registry.set_link_health(
                rules.group_id, link, healthy=False, problem=problem, told=True
            )
            log.warning(
                "link_broken", group_id=rules.group_id, channel_id=channel_id, problem=problem
            )
            await self._registry.storage.audit.record(
                "link_broken",
                at=self._clock.now(),
                group_id=rules.group_id,
                detail={"channel_id": channel_id, "problem": problem},
            )
            t = self._registry.texts(rules.group_id)
            await self._notices.say(
                rules.group_id,
                t.tr(
                    "⚠️ Admins: I can no longer check who has joined {channel} ({problem}). "
                    "Until this is fixed I mute nobody for it. If the channel still exists, "
                    "make me its admin again and I will pick it up by myself.",
                    channel=link.channel.label,
                    problem=t.known(problem),
                ),
            )

    async def reachable(self, channel_id: ChatId) -> None:
        """The bot can check this channel (again): heal every unhealthy link to it."""
        if all(link.healthy for link in self._links_to(channel_id)):
            return  # the common case, after every successful check: no lock, no await
        async with self._locks[channel_id]:
            await self._reachable(channel_id)

    def _links_to(self, channel_id: ChatId) -> list[ChannelLink]:
        found = (rules.link(channel_id) for rules in self._registry.groups_requiring(channel_id))
        return [link for link in found if link is not None]

    async def _reachable(self, channel_id: ChatId) -> None:
        for rules in self._registry.groups_requiring(channel_id):
            link = rules.link(channel_id)
            if link is None or link.healthy:
                continue
            await self._registry.set_link_health(
                rules.group_id, link, healthy=True, problem=None, told=False
            )
            log.info("link_healed", group_id=rules.group_id, channel_id=channel_id)
            await self._registry.storage.audit.record(
                "link_healed",
                at=self._clock.now(),
                group_id=rules.group_id,
                detail={"channel_id": channel_id},
            )
            await self._notices.say(
                rules.group_id,
                self._registry.texts(rules.group_id).tr(
                    "✅ I can check {channel} again: protection is whole.",
                    channel=link.channel.label,
                ),
            )
            self.on_healed(rules.group_id, channel_id)

    async def probe(self) -> None:
        """Look again at every unhealthy link; heal those the bot can see now."""
        unhealthy = {
            link.channel.id
            for rules in self._registry.rules.values()
            for link in rules.links
            if not link.healthy
        }
        for channel_id in sorted(unhealthy):
            try:
                standing = await self._gateway.standing(channel_id, self.bot_id)
            except (ChatUnreachable, UserUnreachable, FloodWaited):
                continue
            if standing.is_admin:
                await self.reachable(channel_id)

    async def refresh_due(self) -> None:
        """Re-read every linked channel not read for REFRESH_INTERVAL (all of them at start)."""
        now = self._clock.now()
        due = [
            channel_id
            for channel_id, groups in self._registry.groups_by_channel.items()
            if groups and now - self._refreshed.get(channel_id, float("-inf")) >= REFRESH_INTERVAL
        ]
        if not due:
            return
        try:
            await self.refresh(sorted(due))
        except FloodWaited as error:  # due again once the wait is over
            for channel_id in due:
                self._refreshed[channel_id] = now - REFRESH_INTERVAL + error.seconds
            log.warning("channels_refresh_postponed", channels=len(due), seconds=error.seconds)

    async def refresh(self, channel_ids: list[ChatId]) -> None:
        """Re-read channels' titles, usernames and invite links (Telegram reported a change, or
        it is time): a button never points to a username given up or a link revoked."""
        now = self._clock.now()
        infos = await self._gateway.channels_info(channel_ids)
        for channel_id in channel_ids:
            self._refreshed[channel_id] = now
            info = infos.get(channel_id)
            current = self._channel(channel_id)
            if info is None or current is None:
                continue  # not readable now: the link-health checks deal with that
            invite = current.invite_link
            if not info.username and (
                invite is None or await self._gateway.invite_revoked(channel_id, invite)
            ):
                invite = await self._gateway.export_invite(channel_id) or None
            fresh = Channel(channel_id, info.title, info.username, invite)
            if fresh != current:
                await self._registry.storage.groups.save_channel(fresh)
                for rules in self._registry.groups_requiring(channel_id):
                    await self._registry.refresh(rules.group_id)
                log.info("channel_refreshed", channel_id=channel_id, username=info.username)

    def _channel(self, channel_id: ChatId) -> Channel | None:
        links = self._links_to(channel_id)
        return links[0].channel if links else None
