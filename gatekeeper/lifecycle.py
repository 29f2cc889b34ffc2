"""The built bot (App): start, the periodic sweep, run until stopped, stop."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable
from dataclasses import dataclass, field

import structlog
from redis.asyncio import Redis
from telethon import TelegramClient

from gatekeeper.admin_lists import AdminLists
from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.clock import Clock
from gatekeeper.observability.health import HealthServer
from gatekeeper.observability.metrics import Metrics
from gatekeeper.observability.readiness import database_check, redis_check, telegram_check
from gatekeeper.services.admin import Admin
from gatekeeper.services.enforcer import Enforcer
from gatekeeper.services.gate import Gate
from gatekeeper.services.grace import GraceEnds
from gatekeeper.services.housekeeping import Housekeeping
from gatekeeper.services.join_requests import JoinRequests
from gatekeeper.services.journal import Journal
from gatekeeper.services.links import LinkHealth
from gatekeeper.services.notices import Notices
from gatekeeper.services.reconcile import Reconciler
from gatekeeper.services.registry import Registry
from gatekeeper.services.removals import Removals
from gatekeeper.services.warmup import Warmups
from gatekeeper.settings import Settings
from gatekeeper.storage import Storage, migrate
from gatekeeper.storage.errors import unreachable
from gatekeeper.telegram.client import check_session_owner, protect_session_file
from gatekeeper.telegram.gateway import Gateway
from gatekeeper.telegram.handlers import Handlers
from gatekeeper.telegram.join_handlers import JoinHandlers
from gatekeeper.telegram.texts import command_menus

log = structlog.get_logger(__name__)

SWEEP_INTERVAL = 5.0
PROBE_INTERVAL = 300.0
CANCEL_WAIT = 2.0  # seconds a stop waits for cancelled tasks to wind down


@dataclass
class App:
    settings: Settings
    client: TelegramClient
    clock: Clock
    metrics: Metrics
    storage: Storage
    registry: Registry
    gateway: Gateway
    notices: Notices
    links: LinkHealth
    gate: Gate
    enforcer: Enforcer
    cache: MembershipCache
    admin: Admin
    handlers: Handlers
    reconciler: Reconciler
    removals: Removals
    grace: GraceEnds
    joins: JoinRequests
    join_handlers: JoinHandlers
    warmup: Warmups
    journal: Journal
    housekeeping: Housekeeping
    redis: Redis | None = None
    health: HealthServer | None = None
    _tasks: set[asyncio.Task[object]] = field(default_factory=set)
    _services: list[asyncio.Task[None]] = field(default_factory=list)  # run until stop()
    _last_probe: float = 0.0
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    _stopped: bool = False
    _admin_lists: AdminLists = field(init=False)

    def __post_init__(self) -> None:
        self._admin_lists = AdminLists(self.gateway, self.registry, self.clock)

    def spawn(self, work: Awaitable[object]) -> None:
        """Run work in the background, tracked so that drain() and stop() can wait for it."""

        async def run() -> object:
            try:
                return await work
            except Exception:
                log.exception("background_task_failed")
                return None

        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> bool:
        """Whether background work spawned by the bot is still running."""
        return bool(self._tasks)

    async def drain(self) -> None:
        """Wait until the background work spawned so far (and anything it spawns) is done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))

    async def start(self) -> None:
        """Open storage (migrating it), log in, load this bot's state, and start listening.

        Handlers are registered before logging in so that updates missed while offline, which
        Telethon fetches as soon as it connects, are handled too; they wait until start is done.
        """
        log.info(
            "starting",
            database=self.settings.database_url,  # a password in it is masked in the log
            redis=self.settings.redis_url or "off",
            session=str(self.settings.session_path),
        )
        await self._serve_health()
        await migrate.upgrade(self.storage.engine)
        self.handlers.register(self.client)
        token = self.settings.bot_token
        protect_session_file(self.client)
        await self.client.start(bot_token=token.get_secret_value() if token else None)
        me = await self.client.get_me()
        check_session_owner(self.client, me, token.get_secret_value() if token else None)
        bot_id = int(me.id)
        # What is stored and cached is this bot's own: other bots may share the database/Redis.
        await self.storage.bind(bot_id)
        if self.cache.shared is not None:
            self.cache.shared.bind(bot_id)
        await self.registry.load()
        await self.joins.pending.load()
        await self.warmup.load()
        kept = await self.enforcer.queue.load()
        owed_notices = await self.notices.waiting.load()
        owed_lines = await self.journal.load()
        self.handlers.me_id = self.admin.bot_id = self.links.bot_id = self.enforcer.bot_id = bot_id
        self.reconciler.bot_id = self.warmup.bot_id = self.notices.waiting.bot_id = bot_id
        self.handlers.me_username = self.notices.bot_username = me.username
        await self._admin_lists.load()
        await self._resume()
        for lang_code, commands in command_menus(self.registry.library):
            await self.gateway.set_commands(commands, lang_code)
        if self.cache.shared is not None:
            listener = asyncio.get_running_loop().create_task(
                self.cache.run_invalidation_listener()
            )
            self._services.append(listener)
        self.handlers.ready.set()
        log.info(
            "started",
            bot=me.username,
            groups=len(self.registry.rules),
            postponed=kept,
            notices_owed=owed_notices,
            log_lines_owed=owed_lines,
        )

    async def _serve_health(self) -> None:
        """/healthz from the first moment; /readyz says ready once started and connected."""
        if self.settings.health_port < 0 or self.health is not None:
            return
        self.health = HealthServer(
            self.metrics, host=self.settings.health_host, port=self.settings.health_port
        )
        self.health.add_check("started", self._started)
        self.health.add_check("telegram", telegram_check(self.client.is_connected))
        self.health.add_check("database", database_check(self.storage.engine))
        if self.redis is not None:
            self.health.add_check("redis", redis_check(self.redis), required=False)
        await self.health.start()

    async def _started(self) -> bool:
        return self.handlers.ready.is_set() and not self.stop_requested.is_set()

    async def _resume(self) -> None:
        """Pick up what a previous run left: notices to remove; the rest is reconciled."""
        now = self.clock.now()
        for restriction in self.registry.restrictions.values():
            rules = self.registry.rules.get(restriction.group_id)
            if restriction.notice_message_id is not None:
                ttl = rules.settings.notice_ttl if rules else 0
                left = max(0.0, restriction.imposed_at + ttl - now)
                await self.notices.delete_later(
                    restriction.group_id, restriction.notice_message_id, left
                )
        # Members who qualified or left while the bot was away, groups it lost, links changed.
        self.spawn(self.reconciler.run_due())
        self.spawn(self.warmup.run_due())  # groups never warmed, and runs cut short

    async def sweep(self) -> None:
        """Periodic chores, each on its own so that one failing does not stop the others."""
        now = self.clock.now()
        chores: list[tuple[str, Awaitable[object]]] = [
            ("notices", self.notices.sweep()),
            ("postponed", self.gate.retry_postponed()),
            ("admins", self._admin_lists.load()),
            ("channels", self.links.refresh_due()),
            ("reconcile", self.reconciler.run_due()),
            ("removals", self.removals.sweep()),
            ("grace", self.grace.sweep()),
            ("join_requests", self.joins.sweep()),
            ("warmup", self.warmup.run_due()),
            ("log channel", self.journal.sweep()),
            ("prune", self.housekeeping.run_due()),
        ]
        if now - self._last_probe >= PROBE_INTERVAL:
            self._last_probe = now
            chores.append(("links", self.links.probe()))
        for name, chore in chores:
            try:
                await chore
            except Exception as error:
                if unreachable(error):  # a server (the database) is away: a later sweep
                    log.warning("chore_postponed", chore=name, reason=repr(error))
                else:
                    log.exception("chore_failed", chore=name)
        self.gate.forget_old()
        self.handlers.forget_old()
        self.join_handlers.forget_old()

    def request_stop(self) -> None:
        """What SIGTERM and SIGINT do: `run` stops cleanly and returns 0."""
        if not self.stop_requested.is_set():
            log.info("stop_requested")
        self.stop_requested.set()

    async def run(self) -> int:
        """Run until a stop is asked for (0) or Telegram is lost for good (1, to be restarted)."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.request_stop)
        lost = False
        try:
            await self.start()
            stopping = loop.create_task(self.stop_requested.wait())
            try:
                while not self.stop_requested.is_set():
                    if not self.client.is_connected():
                        lost = True  # Telethon gave up reconnecting
                        log.error("telegram_connection_lost")
                        break
                    await self.sweep()
                    await asyncio.wait(
                        [stopping, asyncio.ensure_future(self.client.disconnected)],
                        timeout=SWEEP_INTERVAL,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
            finally:
                stopping.cancel()
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
            await self.stop()
        return 1 if lost else 0

    async def stop(self) -> None:
        """Stop taking updates, let work in flight finish (bounded), then close everything.

        Mutes are recorded before they are imposed and re-checked at the next start, postponed
        work and notices waiting for a group's budget are in storage, log lines are owed from
        the audit trail, the members of updates cut short are stored for a re-check, and
        Telethon's update state is saved by `disconnect()`: what is cut short is picked up.
        """
        if self._stopped:
            return
        self._stopped = True
        self.metrics.shutting_down.set(1)
        self.handlers.close()
        self.warmup.pause()  # a run saves where it is and goes on at the next start
        try:
            await asyncio.wait_for(self._finish_work(), self.settings.shutdown_grace)
        except TimeoutError:
            log.warning("shutdown_cut_short", unfinished=len(self._tasks))
        owed = self.handlers.unfinished()  # members of updates cut short: re-checked at start
        leftover = [*self._tasks, *self._services]
        for task in leftover:
            task.cancel()
        if leftover:
            # Bounded too: a task may hang in its clean-up (a Redis pub/sub closing, say).
            _, stuck = await asyncio.wait(leftover, timeout=CANCEL_WAIT)
            if stuck:
                log.warning("shutdown_tasks_stuck", tasks=len(stuck))
        self._services.clear()
        if self.health is not None:
            await self.health.stop()
        # Even when Telethon gave up reconnecting: disconnect() is what saves the session file
        # (the update state, the access hashes learnt lately) and closes it.
        await self.client.disconnect()
        owed += self.handlers.unfinished()  # and of those that came until the disconnect
        await self.enforcer.queue.owe(owed, self.registry.groups_for)
        if left := self.enforcer.queue.pending():
            log.info("postponed_kept", actions=left, unsaved=self.enforcer.queue.unsaved())
        waiting = self.notices.waiting
        await waiting.save_unsaved()
        if waiting.pending() or self.journal.pending():
            # Log lines are owed from the audit trail: storage knows which were sent.
            log.info(
                "messages_owed",
                notices=waiting.pending(),
                unsaved=waiting.unsaved(),
                log_lines=self.journal.pending(),
            )
        if self.redis is not None:
            await self.redis.aclose()
        await self.storage.close()
        log.info("stopped")

    async def _finish_work(self) -> None:
        while self.handlers.busy or self._tasks:
            await self.handlers.finish()
            await self.drain()
