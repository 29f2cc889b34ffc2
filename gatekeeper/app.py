"""The composition root: builds the whole bot from settings; tests, demo and bench reuse it."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable
from dataclasses import dataclass, field

import structlog
from redis.asyncio import Redis
from telethon import TelegramClient, errors

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.cache.shared import RedisMembership
from gatekeeper.cache.warmup_share import RedisWarmups
from gatekeeper.clock import Clock, SystemClock
from gatekeeper.locales import load_library
from gatekeeper.observability.gauges import observe
from gatekeeper.observability.health import HealthServer
from gatekeeper.observability.metrics import Metrics
from gatekeeper.observability.readiness import database_check, redis_check, telegram_check
from gatekeeper.services import pending_requests
from gatekeeper.services.access_hashes import AccessHashes
from gatekeeper.services.admin import Admin
from gatekeeper.services.channel_requests import ChannelRequests
from gatekeeper.services.enforcer import Enforcer
from gatekeeper.services.gate import Gate
from gatekeeper.services.grace import GraceEnds
from gatekeeper.services.housekeeping import Housekeeping
from gatekeeper.services.join_requests import JoinRequests
from gatekeeper.services.journal import Journal
from gatekeeper.services.links import LinkHealth
from gatekeeper.services.listed import ListedStandings
from gatekeeper.services.membership import Membership
from gatekeeper.services.notices import Notices
from gatekeeper.services.observer import Observer
from gatekeeper.services.panel import Panel
from gatekeeper.services.postponed import PostponedWork
from gatekeeper.services.presence import Presence
from gatekeeper.services.reconcile import Reconciler
from gatekeeper.services.registry import Registry
from gatekeeper.services.removals import Removals
from gatekeeper.services.self_help import SelfHelp
from gatekeeper.services.warmup import Warmups
from gatekeeper.settings import Settings
from gatekeeper.storage import Storage, create_engine, migrate
from gatekeeper.storage.errors import unreachable
from gatekeeper.telegram.client import build_client, check_session_owner, protect_session_file
from gatekeeper.telegram.gateway import ChatUnreachable, FloodWaited, Gateway
from gatekeeper.telegram.handlers import Handlers
from gatekeeper.telegram.join_desk import JoinDeskGateway
from gatekeeper.telegram.join_handlers import JoinHandlers
from gatekeeper.telegram.listing import Lister
from gatekeeper.telegram.pacing import Pacer, background
from gatekeeper.telegram.private import PrivateChat
from gatekeeper.telegram.texts import command_menus

log = structlog.get_logger(__name__)

SWEEP_INTERVAL = 5.0
PROBE_INTERVAL = 300.0
ADMINS_RETRY = 600.0
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
    _admins_failed: dict[int, float] = field(default_factory=dict)
    _admins_loaded: set[int] = field(default_factory=set)  # a participant update is no list
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    _stopped: bool = False

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
        self.handlers.me_id = self.admin.bot_id = self.links.bot_id = self.enforcer.bot_id = bot_id
        self.reconciler.bot_id = self.warmup.bot_id = bot_id
        self.handlers.me_username = self.notices.bot_username = me.username
        await self._load_admins()
        await self._resume()
        for lang_code, commands in command_menus(self.registry.library):
            await self.gateway.set_commands(commands, lang_code)
        if self.cache.shared is not None:
            listener = asyncio.get_running_loop().create_task(
                self.cache.run_invalidation_listener()
            )
            self._services.append(listener)
        self.handlers.ready.set()
        log.info("started", bot=me.username, groups=len(self.registry.rules), postponed=kept)

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

    async def _load_admins(self) -> None:
        """Each protected group's admins, so that the hot path can exempt them from memory."""
        now = self.clock.now()
        for group_id, rules in list(self.registry.rules.items()):
            if not (rules.enforced and rules.acting) or group_id in self._admins_loaded:
                continue
            if now - self._admins_failed.get(group_id, float("-inf")) < ADMINS_RETRY:
                continue
            try:
                admins = await self.gateway.admins(group_id)
            except (ChatUnreachable, FloodWaited, errors.RPCError) as error:
                self._admins_failed[group_id] = now
                log.warning("admins_unavailable", group_id=group_id, error=str(error))
                continue
            self._admins_failed.pop(group_id, None)
            self._admins_loaded.add(group_id)
            self.registry.set_admins(group_id, frozenset(admins))

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
            ("admins", self._load_admins()),
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
        work is in storage, the members of updates cut short are stored for a re-check, and
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
        if self.client.is_connected():
            await self.client.disconnect()
        owed += self.handlers.unfinished()  # and of those that came until the disconnect
        await self.enforcer.queue.owe(owed, self.registry.groups_for)
        if left := self.enforcer.queue.pending():
            log.info("postponed_kept", actions=left, unsaved=self.enforcer.queue.unsaved())
        if self.redis is not None:
            await self.redis.aclose()
        await self.storage.close()
        log.info("stopped")

    async def _finish_work(self) -> None:
        while self.handlers.busy or self._tasks:
            await self.handlers.finish()
            await self.drain()


def build(
    settings: Settings,
    *,
    client: TelegramClient | None = None,
    clock: Clock | None = None,
    redis: Redis | None = None,
) -> App:
    """Wire the bot. Anything not passed in is the real thing, made from settings."""
    clock = clock or SystemClock()
    client = client or build_client(settings)
    if redis is None and settings.redis_url:
        redis = Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_timeout,
            socket_connect_timeout=settings.redis_connect_timeout,
        )
    metrics = Metrics()
    storage = Storage.on(create_engine(settings.database_url, concurrency=settings.concurrency))
    registry = Registry(storage, load_library(), clock)
    pacer = Pacer(clock, metrics, rate=settings.telegram_rate, burst=settings.telegram_burst)
    gateway = Gateway(client, metrics, clock, pacer=pacer, known=registry.access_hashes)
    memory = MembershipMemory(
        settings.membership_cache_size,
        settings.member_ttl,
        settings.non_member_ttl,
        clock,
        jitter=settings.ttl_jitter,
    )
    shared = (
        RedisMembership(
            redis,
            member_ttl=settings.member_ttl,
            non_member_ttl=settings.non_member_ttl,
            clock=clock,
            on_error=metrics.redis_errors.inc,
            jitter=settings.ttl_jitter,
        )
        if redis is not None
        else None
    )
    cache = MembershipCache(memory, shared)
    queue = PostponedWork(
        storage.postponed, clock, metrics, gateway.access_hash, registry.access_hashes
    )
    notices = Notices(gateway, clock, metrics, registry, queue)
    links = LinkHealth(gateway, registry, notices, clock)
    membership = Membership(gateway, cache, metrics, links.broken, links.reachable, clock)
    observer = Observer(storage.audit, clock)
    enforcer = Enforcer(gateway, registry, notices, clock, metrics, cache, queue, observer)
    gate = Gate(gateway, registry, membership, enforcer, notices, clock, metrics)
    app_tasks: list[App] = []
    journal = Journal(gateway, registry, notices)
    admin = Admin(
        gateway, registry, gate, clock, lambda w: app_tasks[0].spawn(w), observer, journal
    )
    presence = Presence(
        registry, notices, metrics, clock, gate.recheck_muted, lambda w: app_tasks[0].spawn(w)
    )
    reconciler = Reconciler(
        gateway,
        registry,
        presence,
        links,
        gate,
        enforcer,
        clock,
        interval=settings.reconcile_interval,
        background=background,
    )
    registry.listed = ListedStandings(clock, settings.member_ttl)
    warmups = Warmups(
        (registry, Lister(client, pacer, gateway.peers), membership, cache, enforcer, clock),
        notices,
        metrics,
        lambda work: app_tasks[0].spawn(work),
        rate=settings.warmup_rate,
        interval=settings.warmup_interval,
        shared=RedisWarmups(redis) if redis is not None else None,
    )
    handlers = Handlers(
        gateway=gateway,
        registry=registry,
        gate=gate,
        admin=admin,
        links=links,
        presence=presence,
        notices=notices,
        metrics=metrics,
        clock=clock,
        concurrency=settings.concurrency,
        private=PrivateChat(
            gateway,
            SelfHelp(registry, gate),
            Panel(gateway, registry, admin, clock),
            metrics,
            clock,
            lambda: app_tasks[0].handlers.me_username,
            registry,
        ),
    )
    desk = JoinDeskGateway(client, pacer, registry.access_hashes)
    pending = pending_requests.PendingRequests(registry, clock)
    membership.requested = pending.requested  # a pending request to a channel, as a verdict
    channel_requests = ChannelRequests(desk, registry, pending, gate.recheck_member, clock)
    joins = JoinRequests(desk, registry, membership, pending, channel_requests, clock, metrics)
    join_handlers = JoinHandlers(joins, pending, gateway, metrics, clock, registry.library)
    join_handlers.attach(handlers)
    app = App(
        settings=settings,
        client=client,
        clock=clock,
        metrics=metrics,
        storage=storage,
        registry=registry,
        gateway=gateway,
        notices=notices,
        links=links,
        gate=gate,
        enforcer=enforcer,
        cache=cache,
        admin=admin,
        handlers=handlers,
        reconciler=reconciler,
        removals=Removals(gateway, registry, enforcer, notices, clock, metrics),
        grace=GraceEnds(registry, gate, clock),
        joins=joins,
        join_handlers=join_handlers,
        warmup=warmups,
        journal=journal,
        housekeeping=Housekeeping(
            registry,
            clock,
            retention=settings.note_retention,
            hashes=AccessHashes(
                registry,
                clock,
                retention=settings.hash_retention,
                requests=pending.all,
                postponed=queue.members,
                waiting=notices.waiting_members,
            ),
        ),
        redis=redis,
    )
    app_tasks.append(app)
    admin.warmups = warmups
    admin.join_requests = pending.waiting
    links.on_healed = lambda group_id, channel_id: app.spawn(
        gate.recheck_muted(group_id, channel_id)
    )
    observe(metrics, registry, memory)
    return app
