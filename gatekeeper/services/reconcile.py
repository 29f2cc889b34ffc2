"""Reconciliation: the bot's records set right against Telegram, at start and periodically.

What Telegram did while the bot was down, or whose update was lost, shows here: groups the bot
was removed from or demoted in are marked (and cost no more work), links whose rights changed
are re-checked, members it muted who left or were taken over are forgotten (with their
notices), and those who subscribed meanwhile are released. Everything runs at the background
priority, so that members who write or press buttons go first.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.actions import Recheck
from gatekeeper.domain.i18n import N_
from gatekeeper.domain.model import ChatId
from gatekeeper.domain.reconcile import LinkCall, MutedCall, due, link_call, muted_call
from gatekeeper.domain.standing import NOT_MEMBER, Standing
from gatekeeper.services.enforcer import Enforcer
from gatekeeper.services.gate import Gate
from gatekeeper.services.links import LinkHealth
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram, UserUnreachable
from gatekeeper.services.presence import Presence
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)


class Reconciler:
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        presence: Presence,
        links: LinkHealth,
        gate: Gate,
        enforcer: Enforcer,
        clock: Clock,
        interval: float,
        background: Callable[[], AbstractContextManager[None]],
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._presence = presence
        self._links = links
        self._gate = gate
        self._enforcer = enforcer
        self._clock = clock
        self._interval = interval
        self._background = background  # the pacer's low priority for what it asks Telegram
        self._last: float | None = None
        # A pass Telegram made wait: when it goes on, and what it has already looked at
        # (groups and channels as (chat, 0), mutes as (group, member)).
        self._resume_at: float | None = None
        self._seen: set[tuple[ChatId, int]] = set()
        self._lock = asyncio.Lock()
        self.bot_id = 0
        self.passes = 0  # passes done to the end since the start

    async def run_due(self) -> None:
        """One pass if one is due (the first call always runs one), or the rest of a pass
        once Telegram's wait is over."""
        now = self._clock.now()
        resuming = self._resume_at is not None and now >= self._resume_at
        if (resuming or due(self._last, now, self._interval)) and not self._lock.locked():
            await self.run()

    async def run(self) -> Counter[str]:
        """One pass, at the background priority. A flood wait pauses it (one log line): it
        goes on where it stopped once the wait is over. What it did, by kind."""
        async with self._lock:
            if self._resume_at is None:
                self._last = self._clock.now()
                self._seen.clear()
            self._resume_at = None
            done: Counter[str] = Counter()
            with self._background():
                try:
                    await self._groups(done)
                    await self._channels(done)
                    await self._muted(done)
                except FloodWaited as error:
                    self._resume_at = self._clock.now() + error.seconds
                    left = sum(key not in self._seen for key in self._registry.restrictions)
                    log.warning(
                        "reconcile_paused",
                        reason=str(error),
                        done=dict(done),
                        muted_left=left,
                    )
                    return done
            self._seen.clear()
            self.passes += 1
            log.info("reconciled", **done)
            return done

    async def _standing(self, chat_id: ChatId, user_id: int) -> Standing | None:
        try:
            return await self._gateway.standing(chat_id, user_id)
        except (ChatUnreachable, UserUnreachable):
            return None

    async def _groups(self, done: Counter[str]) -> None:
        """Where the bot itself stands in each group it guards (removed: a kicked bot cannot
        even look, which says as much). Groups already marked cost nothing: Telegram tells the
        bot when it is made an admin there again (an update, caught up after a restart)."""
        for group_id, rules in list(self._registry.rules.items()):
            if not rules.acting or (group_id, 0) in self._seen:
                continue
            standing = await self._standing(group_id, self.bot_id)
            await self._presence.changed(group_id, standing or NOT_MEMBER)
            self._seen.add((group_id, 0))
            done["groups"] += 1

    async def _channels(self, done: Counter[str]) -> None:
        for channel_id, groups in list(self._registry.groups_by_channel.items()):
            acting = [g for g in groups if (r := self._registry.rules.get(g)) and r.acting]
            links = [
                link
                for g in acting
                if (link := self._registry.rules[g].link(channel_id)) is not None
            ]
            if not links or (channel_id, 0) in self._seen:
                continue
            standing = await self._standing(channel_id, self.bot_id)
            call = link_call(standing, healthy=all(link.healthy for link in links))
            if call is LinkCall.BREAK:
                problem = N_("I am no longer an admin there") if standing else N_("I cannot see it")
                await self._links.broken(channel_id, problem)
            elif call is LinkCall.HEAL:
                await self._links.reachable(channel_id)
            self._seen.add((channel_id, 0))
            done[f"link_{call.value}"] += 1

    async def _muted(self, done: Counter[str]) -> None:
        for restriction in list(self._registry.restrictions.values()):
            group_id, user_id = restriction.group_id, restriction.user_id
            if (group_id, user_id) in self._seen:
                continue  # done before Telegram made the pass wait
            rules = self._registry.rules.get(group_id)
            if rules is None or not rules.acting:
                continue  # re-checked when the bot is an admin there again
            if self._registry.restriction(group_id, user_id) is not restriction:
                continue  # released or renewed meanwhile
            try:
                call = await self._one_muted(group_id, user_id)
                self._seen.add((group_id, user_id))
            except FloodWaited:
                raise
            except Exception as error:  # one member's failure must not stop the pass
                log.warning(
                    "reconcile_failed", group_id=group_id, user_id=user_id, error=repr(error)
                )
                done["muted_failed"] += 1
                continue
            done[f"muted_{call.value}"] += 1

    async def _one_muted(self, group_id: ChatId, user_id: int) -> MutedCall:
        call = muted_call(
            await self._standing(group_id, user_id),
            self.bot_id,
            discussion_group=self._enforcer.in_discussion_group(group_id),
        )
        if call is MutedCall.FORGET:
            await self._enforcer.release(group_id, user_id)  # lifts only what is still ours
            return call
        work = Recheck(group_id, user_id, fresh=True)
        try:
            await self._gate.recheck(work)  # releases them if they subscribed
        except FloodWaited as error:
            await self._enforcer.postpone((work,), error.seconds, None)
            self._seen.add((group_id, user_id))  # the postponed re-check is theirs
            raise
        return call
