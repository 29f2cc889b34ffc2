"""Warm-ups: when each group's bulk verification runs, its progress (database, Redis, logs,
metrics, /status), /verify and its cancel. One run per group at a time (warmup_run.py).

Triggers: /protect, the start (for groups never warmed), the timer (`warmup_interval`),
/verify, and `python run.py warm GROUP` (a request in the database that the running bot
picks up). A restart resumes a run where its saved progress says it stopped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import structlog

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.cache.warmup_share import RedisWarmups
from gatekeeper.clock import Clock
from gatekeeper.domain import warmup
from gatekeeper.domain.i18n import N_
from gatekeeper.domain.model import ChatId
from gatekeeper.domain.pacing import RateLimits
from gatekeeper.domain.warmup import Reason, WarmupProgress, WarmupState
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.enforcer import Enforcer
from gatekeeper.services.membership import Membership
from gatekeeper.services.notices import Notices
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Listing
from gatekeeper.services.priorities import warmup as warmup_priority
from gatekeeper.services.registry import Registry
from gatekeeper.services.warmup_run import Run, Tools
from gatekeeper.storage.errors import unreachable

log = structlog.get_logger(__name__)

Spawn = Callable[[Awaitable[object]], None]
# What a run works with: the registry, the listing port, membership, its cache, the enforcer.
Parts = tuple[Registry, Listing, Membership, MembershipCache, Enforcer, Clock]
QUIET = 60.0  # seconds without a flood wait before the rate is probed upwards
RETRY_UNREACHABLE = 600.0  # a group the bot cannot list is tried again after this
RETRY_DATABASE = 30.0  # a run that found the database away goes on after this
USAGE = N_("Send /verify to check every member now, or /verify cancel to stop a check under way.")


class Warmups:
    def __init__(
        self,
        parts: Parts,
        notices: Notices,
        metrics: Metrics,
        spawn: Spawn,
        *,
        rate: float,
        interval: float,
        shared: RedisWarmups | None = None,
    ) -> None:
        registry, lister, membership, cache, enforcer, clock = parts
        limits = RateLimits(start=rate, floor=max(0.05, rate / 64), ceiling=rate, quiet=QUIET)
        tools = Tools(
            registry,
            lister,
            membership,
            cache,
            enforcer,
            clock,
            limits,
            self._save,
            self._stopping_for,
        )
        self._tools = tools
        self._registry = tools.registry
        self._clock: Clock = tools.clock
        self._notices = notices
        self._metrics = metrics
        self._spawn = spawn
        self._interval = interval
        self.shared = shared
        self._running: set[ChatId] = set()
        self._cancelled: set[ChatId] = set()
        self._paused = False

    @property
    def bot_id(self) -> int:
        return self._tools.bot_id

    @bot_id.setter
    def bot_id(self, value: int) -> None:
        self._tools.bot_id = value
        if self.shared is not None:
            self.shared.bind(value)

    def progress(self, group_id: ChatId) -> WarmupProgress | None:
        return self._registry.warmups.get(group_id)

    async def shared_progress(self, group_id: ChatId) -> WarmupProgress | None:
        """The group's progress as any instance sharing the Redis last saved it."""
        return await self.shared.get(group_id) if self.shared is not None else None

    async def load(self) -> None:
        """At start: every group's saved progress, and the members its listing showed."""
        for progress in await self._registry.storage.warmups.all():
            self._registry.warmups[progress.group_id] = progress
            fresh = progress.finished_at is None or (
                self._clock.now() - progress.finished_at < self._tools.registry.listed.ttl
            )
            if fresh and progress.state is not WarmupState.REQUESTED:
                await self._reload_listing(progress)

    async def _reload_listing(self, progress: WarmupProgress) -> None:
        listed = self._registry.listed
        listed.listing(progress.group_id, at=progress.started_at)
        hashes = self._registry.access_hashes  # the session may have lost them (a crash)
        for member in await self._registry.storage.warmups.members(progress.group_id):
            if member.access_hash is not None:
                hashes.setdefault(member.user_id, member.access_hash)
            if member.kind in ("member", "bot"):
                listed.put(progress.group_id, member.user_id, member.access_hash, member.kind)
            elif member.kind == "admin":
                self._registry.set_admin(progress.group_id, member.user_id, True)

    async def request(self, group_id: ChatId, reason: Reason) -> WarmupProgress:
        """A new warm-up of the group (one under way goes on instead)."""
        current = self.progress(group_id)
        if current is not None and current.active:
            self._start(group_id)
            return current
        progress = warmup.requested(group_id, reason, self._clock.now(), self._tools.limits.start)
        self._cancelled.discard(group_id)
        await self._save(progress)
        log.info(
            "warmup_requested",
            group_id=group_id,
            reason=str(reason),
            requested_at=progress.started_at,  # names the run in its other lines
        )
        self._start(group_id)
        return progress

    def protected(self, group_id: ChatId) -> None:
        """/protect: warm the group up now (unless warm-ups run only on demand)."""
        if self._interval > 0:
            self._spawn(self.request(group_id, Reason.PROTECT))

    async def cancel(self, group_id: ChatId) -> WarmupProgress | None:
        """Stop the group's warm-up; what it verified so far stays."""
        progress = self.progress(group_id)
        if progress is None or not progress.active:
            return None
        self._cancelled.add(group_id)
        if group_id not in self._running:
            await self._finish(progress, WarmupState.CANCELLED)
        return self.progress(group_id)

    async def run_due(self) -> None:
        """The periodic sweep: start or resume every warm-up that is due (the start's too).

        A request written by `python run.py warm GROUP` is read from the database here."""
        if self._paused:
            return
        for asked in await self._registry.storage.warmups.all():
            known = self.progress(asked.group_id)
            if asked.state is WarmupState.REQUESTED and (known is None or not known.active):
                await self.request(asked.group_id, asked.reason)  # from the command line
        now = self._clock.now()
        for group_id, rules in list(self._registry.rules.items()):
            progress = self.progress(group_id)
            if group_id in self._running or not rules.acting:
                continue
            if warmup.due(progress, now, self._interval, enforced=rules.enforced):
                if progress is None or not progress.active:
                    reason = Reason.START if progress is None else Reason.TIMER
                    await self.request(group_id, reason)
                else:
                    self._start(group_id)

    def pause(self) -> None:
        """Shutting down: runs stop at the next member, their progress saved to resume."""
        self._paused = True

    def _stopping_for(self, group_id: ChatId) -> bool:
        return self._paused or group_id in self._cancelled

    def _start(self, group_id: ChatId) -> None:
        if group_id in self._running or self._paused:
            return
        self._running.add(group_id)
        self._spawn(self._run(group_id))

    async def _run(self, group_id: ChatId) -> None:
        progress = self.progress(group_id)
        try:
            if progress is None:
                return
            if progress.state is WarmupState.REQUESTED:  # a new run lists the group afresh
                await self._registry.storage.warmups.forget_members(group_id)
                self._registry.listed.listing(group_id)
            elif not self._registry.listed.has(group_id):
                await self._reload_listing(progress)
            with warmup_priority():
                await self._go(Run(self._tools, progress))
        finally:
            self._running.discard(group_id)

    async def _go(self, run: Run) -> None:
        group_id = run.group_id
        try:
            progress = await run.run()
        except FloodWaited as error:
            await self._save(run.paused(error.method, error.seconds))
            log.info("warmup_waiting", group_id=group_id, seconds=error.seconds)
            return
        except ChatUnreachable as error:
            run.progress = replace(
                run.progress,
                state=WarmupState.WAITING,
                resume_at=self._clock.now() + RETRY_UNREACHABLE,
            )
            await self._save(run.progress)
            log.warning("warmup_unreachable", group_id=group_id, reason=str(error))
            return
        except Exception as error:
            if not unreachable(error):
                raise
            # The database is away: the run waits for it, from where it got (in memory).
            self._registry.warmups[group_id] = replace(
                run.progress,
                state=WarmupState.WAITING,
                resume_at=self._clock.now() + RETRY_DATABASE,
            )
            log.warning("warmup_postponed", group_id=group_id, reason=repr(error))
            return
        if group_id in self._cancelled:
            await self._finish(progress, WarmupState.CANCELLED)
        elif progress.state is WarmupState.DONE:
            await self._done(progress)

    async def _done(self, progress: WarmupProgress) -> None:
        log.info(
            "warmup_done",
            group_id=progress.group_id,
            requested_at=progress.started_at,
            members=progress.total,
            verified=progress.verified,
            not_subscribed=progress.not_subscribed,
            muted=progress.muted,
        )
        if progress.muted:
            t = self._registry.texts(progress.group_id)
            text = warmup.summary_notice(progress.muted, progress.not_subscribed, t)
            await self._notices.say(progress.group_id, text)

    async def _finish(self, progress: WarmupProgress, state: WarmupState) -> None:
        self._cancelled.discard(progress.group_id)
        await self._save(replace(progress, state=state, finished_at=self._clock.now()))
        log.info("warmup_" + state.value, group_id=progress.group_id, verified=progress.verified)

    async def _save(self, progress: WarmupProgress) -> None:
        self._registry.warmups[progress.group_id] = progress
        await self._registry.storage.warmups.save(progress)
        if self.shared is not None:
            await self.shared.put(progress)
        self._metrics.warmup_progress.set(progress.ratio)
        self._metrics.warmup_pending.set(max(0, progress.total - progress.verified))
        log.debug("warmup_progress", **{k: v for k, v in warmup.as_record(progress).items()})

    async def command(self, group_id: ChatId, args: tuple[str, ...]) -> str:
        """/verify [cancel], for the group's admins."""
        rules = self._registry.rules.get(group_id)
        t = self._registry.texts(group_id)
        if args and args[0].lower() in ("cancel", "stop"):
            cancelled = await self.cancel(group_id)
            if cancelled is None:
                return t.tr("No check of the members is under way.")
            line = warmup.status_line(cancelled, t).removeprefix("🔎 ")
            return t.tr("Stopped. {progress}", progress=line)
        if args:
            return t.tr(USAGE)
        if rules is None or not rules.enforced:
            return t.tr(
                "Protection is off here: start with /protect @channel, then I check everyone."
            )
        current = self.progress(group_id)
        if current is not None and current.active:
            self._start(group_id)
            return (
                t.tr("A check of every member is already under way.")
                + "\n"
                + warmup.status_line(current, t)
            )
        await self.request(group_id, Reason.VERIFY)
        return t.tr(
            "🔎 Checking every member now, gently (Telegram's limits come first). Nobody is "
            "muted by this unless /settings sweep mute is on. /status shows how far I got; "
            "/verify cancel stops it."
        )
