"""One warm-up of one group, from where its progress says it stopped: the group's listing,
its channels' subscribers, then every member still unknown, checked one by one.

It runs at the warm-up priority (after presses, mutes and re-checks), at an adaptive rate:
halved when Telegram gives a flood wait, probed upwards after a quiet period. A wait too
long to sleep through pauses it (`waiting`, saved), and the periodic sweep resumes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import structlog

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.clock import Clock
from gatekeeper.domain import warmup
from gatekeeper.domain.model import ChatId, GroupRules, Verdict
from gatekeeper.domain.pacing import Rate, RateLimits, after_flood_wait, after_success
from gatekeeper.domain.policy import allowed, needs_check
from gatekeeper.domain.warmup import Phase, WarmupProgress, WarmupState
from gatekeeper.services.enforcer import Enforcer
from gatekeeper.services.membership import Membership
from gatekeeper.services.ports import FloodWaited, Listed, Listing
from gatekeeper.services.registry import Registry
from gatekeeper.storage.warmups import ListedMember

log = structlog.get_logger(__name__)

BATCH = 500  # members read from the database at a time
CHECKPOINT = 200  # members checked between two saves of the progress
CHECK = "GetParticipant"  # the request a membership check makes


def _kind(listed: Listed) -> str:
    standing = listed.standing
    if standing.is_admin:
        return "admin"
    if standing.is_bot:
        return "bot"
    return "restricted" if standing.rights.flags else "member"


@dataclass
class Tools:
    """What a run needs; the warm-up service builds it once."""

    registry: Registry
    lister: Listing
    membership: Membership
    cache: MembershipCache
    enforcer: Enforcer
    clock: Clock
    limits: RateLimits
    save: Callable[[WarmupProgress], Awaitable[None]]  # in the database, Redis, metrics
    stopping: Callable[[ChatId], bool]  # cancelled, or the bot is shutting down
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    bot_id: int = 0


class Run:
    def __init__(self, tools: Tools, progress: WarmupProgress) -> None:
        self._t = tools
        self.progress = progress
        changed = progress.rate_changed_at or tools.clock.now()
        self._rate = Rate(progress.rate or tools.limits.start, 0.0, changed)

    @property
    def group_id(self) -> ChatId:
        return self.progress.group_id

    async def run(self) -> WarmupProgress:
        """Until done, paused or stopped; the progress it reached (saved)."""
        self.progress = replace(self.progress, state=WarmupState.RUNNING)
        await self._t.save(self.progress)
        if self.progress.phase is Phase.LISTING:
            await self._list_group()
        if self.progress.phase is Phase.CHANNELS and not self._stopped():
            await self._list_channels()
            self.progress = replace(self.progress, phase=Phase.CHECKING)
            await self._t.save(self.progress)
        if self.progress.phase is Phase.CHECKING:
            await self._check_members()
        return self.progress

    def _stopped(self) -> bool:
        return self._t.stopping(self.group_id)

    def _rules(self) -> GroupRules | None:
        return self._t.registry.rules.get(self.group_id)

    async def _list_group(self) -> None:
        store = self._t.registry.storage.warmups
        while self.progress.phase is Phase.LISTING and not self._stopped():
            query = self.progress.queries[0]
            page = await self._t.lister.participants(self.group_id, query, self.progress.offset)
            self._remember(page.members)
            rows = [ListedMember(m.user_id, _kind(m), m.standing.access_hash) for m in page.members]
            added = await store.add_members(self.group_id, rows)
            progress = replace(self.progress, total=self.progress.total + added)
            self.progress = warmup.after_page(progress, len(page.members), page.count)
            await self._t.save(self.progress)
        log.info("warmup_listed", group_id=self.group_id, members=self.progress.total)

    def _remember(self, members: tuple[Listed, ...]) -> None:
        registry = self._t.registry
        for member in members:
            if member.standing.is_admin:
                registry.set_admin(self.group_id, member.user_id, True)
            else:
                registry.listed.add(self.group_id, member.user_id, member.standing)

    async def _list_channels(self) -> None:
        """Each required channel's subscribers as far as Telegram shows them (about 200 of a
        broadcast channel): verdicts that cost no check later."""
        rules = self._rules()
        for channel_id in needs_check(rules) if rules else ():
            offset, found = 0, 0
            while offset < warmup.LIST_CAP and not self._stopped():
                page = await self._t.lister.participants(channel_id, warmup.RECENT, offset)
                members = {m.user_id: Verdict.MEMBER for m in page.members if m.standing.is_member}
                await self._t.cache.store_many(channel_id, members)
                found += len(members)
                offset += len(page.members)
                if len(page.members) < warmup.PAGE or offset >= page.count:
                    break
            log.info(
                "warmup_channel_listed", group_id=self.group_id, channel_id=channel_id, found=found
            )

    async def _check_members(self) -> None:
        store = self._t.registry.storage.warmups
        since_save = 0
        while not self._stopped():
            batch = await store.members(self.group_id, after=self.progress.cursor, limit=BATCH)
            if not batch:
                self.progress = replace(
                    self.progress,
                    state=WarmupState.DONE,
                    phase=Phase.FINISHED,
                    finished_at=self._t.clock.now(),
                )
                break
            for member in batch:
                if self._stopped():
                    break
                await self._check(member)
                since_save += 1
                if since_save >= CHECKPOINT:
                    await self._t.save(self.progress)
                    since_save = 0
        await self._t.save(self.progress)

    async def _check(self, member: ListedMember) -> None:
        rules = self._rules()
        user_id = member.user_id
        registry = self._t.registry
        note = registry.notes.get((self.group_id, user_id))
        exempt = member.kind in ("admin", "bot") or user_id == self._t.bot_id or allowed(note)
        if rules is None or exempt:
            self.progress = warmup.counted(
                replace(self.progress, cursor=user_id), subscribed=True, muted=False
            )
            return
        channels = needs_check(rules)
        unknown = [c for c in channels if self._t.cache.peek(c, user_id) is None]
        verdicts = {c: self._t.cache.peek(c, user_id) or Verdict.UNKNOWN for c in channels}
        if unknown:
            verdicts.update(await self._ask(unknown, user_id))
        subscribed = warmup.subscribed(rules, verdicts)
        muted = False
        if subscribed is False and registry.restriction(self.group_id, user_id) is None:
            mute = warmup.sweep_mute(rules, user_id, verdicts, note, self._t.clock.now())
            if mute is not None:
                await self._t.enforcer.apply([mute])
                muted = registry.restriction(self.group_id, user_id) is not None
        self.progress = warmup.counted(
            replace(self.progress, cursor=user_id), subscribed=subscribed, muted=muted
        )

    async def _ask(self, channels: list[ChatId], user_id: int) -> dict[ChatId, Verdict]:
        """Checks at the adaptive rate: a flood wait (even one slept through) halves it."""
        await self._t.sleep(1.0 / self._rate.per_second)
        before = self._t.lister.flood_waits(CHECK)
        try:
            verdicts = await self._t.membership.verdicts(channels, user_id)
        except FloodWaited:  # one wait too long to sleep through: `paused` halves for it
            for _ in range(self._t.lister.flood_waits(CHECK) - before - 1):
                self._slow_down(0.0)
            raise
        waits = self._t.lister.flood_waits(CHECK) - before
        for _ in range(waits):
            self._slow_down(0.0)
        if not waits:
            self._rate = after_success(self._rate, self._t.limits, self._t.clock.now())
            self._keep_rate()
        return verdicts

    def _slow_down(self, seconds: float) -> None:
        self._rate = after_flood_wait(self._rate, self._t.limits, self._t.clock.now(), seconds)
        self._keep_rate()
        log.info("warmup_slower", group_id=self.group_id, rate=round(self._rate.per_second, 2))

    def _keep_rate(self) -> None:
        rate = self._rate
        self.progress = replace(
            self.progress, rate=rate.per_second, rate_changed_at=rate.changed_at
        )

    def paused(self, method: str, seconds: float) -> WarmupProgress:
        """Telegram asked to wait `seconds` before the next `method`: waiting until then, and
        slower if it was a check (flood waits are per request type: a wait on listing pages
        says nothing about the checks' rate)."""
        if method == CHECK:
            self._slow_down(seconds)
        self.progress = replace(
            self.progress, state=WarmupState.WAITING, resume_at=self._t.clock.now() + seconds
        )
        return self.progress
