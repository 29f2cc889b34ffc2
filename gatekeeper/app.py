"""The composition root: builds the whole bot from settings; tests, demo and bench reuse it."""

from __future__ import annotations

from redis.asyncio import Redis
from telethon import TelegramClient

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.cache.shared import RedisMembership
from gatekeeper.cache.warmup_share import RedisWarmups
from gatekeeper.clock import Clock, SystemClock
from gatekeeper.lifecycle import App
from gatekeeper.locales import load_library
from gatekeeper.observability.gauges import observe
from gatekeeper.observability.metrics import Metrics
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
from gatekeeper.services.waiting import WaitingNotices
from gatekeeper.services.warmup import Warmups
from gatekeeper.settings import Settings
from gatekeeper.storage import Storage, create_engine
from gatekeeper.telegram.client import build_client
from gatekeeper.telegram.gateway import Gateway
from gatekeeper.telegram.handlers import Handlers
from gatekeeper.telegram.join_desk import JoinDeskGateway
from gatekeeper.telegram.join_handlers import JoinHandlers
from gatekeeper.telegram.listing import Lister
from gatekeeper.telegram.pacing import Pacer, background
from gatekeeper.telegram.private import PrivateChat

__all__ = ["App", "build"]


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
    waiting = WaitingNotices(gateway, registry, gateway.access_hash)
    notices = Notices(gateway, clock, metrics, registry, queue, waiting)
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
    waiting.reconciled = lambda: reconciler.passes > 0
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
