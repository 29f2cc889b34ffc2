"""The bot's own standing in each protected group: it acts only where it still may.

Demoted (no longer an admin with the rights to ban and delete) or removed, the bot stops
acting there: no mutes, no deletes, no look-ups. The group's state is kept and marked, its
admins are told once if the bot may still write, and when it is an admin again it resumes and
re-checks everyone it had muted.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.i18n import N_
from gatekeeper.domain.model import BotState, ChatId
from gatekeeper.domain.standing import Standing
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.notices import Notices
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

DEMOTED_NOTICE = N_(
    "⚠️ Admins: I am no longer an admin of this group with the rights to ban users and delete "
    "messages, so I have stopped guarding it: nobody is muted or removed, and the members I "
    "muted stay so. Make me an admin with those rights again and I will pick up by myself."
)
RESUMED_NOTICE = N_(
    "✅ I am an admin here again: protection resumes, and I am re-checking the members I muted."
)


def state_of(standing: Standing) -> BotState:
    if standing.is_admin and standing.can_ban and standing.can_delete:
        return BotState.OK
    return BotState.DEMOTED if standing.is_member else BotState.REMOVED


class Presence:
    def __init__(
        self,
        registry: Registry,
        notices: Notices,
        metrics: Metrics,
        clock: Clock,
        recheck: Callable[[ChatId], Awaitable[None]],
        spawn: Callable[[Awaitable[object]], None],
    ) -> None:
        self._registry = registry
        self._notices = notices
        self._metrics = metrics
        self._clock = clock
        self._recheck = recheck
        self._spawn = spawn
        self._locks: defaultdict[ChatId, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def changed(self, group_id: ChatId, standing: Standing) -> None:
        """A participant update about the bot itself in a group it knows."""
        async with self._locks[group_id]:  # a kick is two updates (ban, then unban)
            await self._changed(group_id, standing)

    async def _changed(self, group_id: ChatId, standing: Standing) -> None:
        rules = self._registry.rules.get(group_id)
        if rules is None:
            return
        state = state_of(standing)
        if state is rules.bot_state:
            return
        await self._registry.set_bot_state(group_id, state)
        self._metrics.bot_state(state.value)
        await self._registry.storage.audit.record(
            f"bot_{state.value}", at=self._clock.now(), group_id=group_id
        )
        if state is BotState.OK:
            log.info("bot_resumed", group_id=group_id)
            self._registry.admins.pop(group_id, None)  # unseen while demoted: read them again
            if rules.protected:
                await self._notices.say(group_id, self._registry.texts(group_id).tr(RESUMED_NOTICE))
            self._spawn(self._recheck(group_id))
            return
        log.warning(f"bot_{state.value}", group_id=group_id, protected=rules.protected)
        if state is BotState.DEMOTED and rules.protected:
            await self._notices.say(group_id, self._registry.texts(group_id).tr(DEMOTED_NOTICE))
