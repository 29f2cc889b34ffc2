"""Prometheus metrics, each set in its own registry: no globals, so apps and tests don't clash.

Every metric is named `{namespace}_...` (default `gatekeeper_`); docs/metrics.md lists them.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from gatekeeper.observability.light import LightCounter, LightHistogram

# Handling an update is mostly in-memory work: resolve around 100 µs, up to a second for the
# slow paths that wait on Telegram.
# A request to Telegram takes tens of milliseconds on a good day, seconds on a bad one.
TELEGRAM_BUCKETS: tuple[float, ...] = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
HANDLER_BUCKETS: tuple[float, ...] = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
)


class Metrics:
    """The counters, gauges and histograms Gatekeeper updates; `render()` exposes them.

    Label values, by convention:
      updates_total{kind}                  message, join, participant, callback, channel
      decisions_total{action}              mute, release, delete, notice, ... (docs/metrics.md)
      telegram_requests_total{method,outcome}  ok, flood_wait, or the error's class name
      membership_checks_total{source}      memory, redis, telegram
      cache_lookups_total{layer,result}    memory|redis, hit|miss
      button_presses_total{result}         released, not_yet, busy, ... (docs/metrics.md)
    No label ever names a user or a group: cardinality stays bounded.
    """

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, namespace: str = "gatekeeper") -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg, ns = self.registry, namespace
        # Counted on every update (the hot path): the light kind, without a lock.
        self.updates = LightCounter(
            "updates", "Updates received from Telegram.", ["kind"], namespace=ns, registry=reg
        )
        self.decisions = Counter(
            "decisions", "Actions the policy decided on.", ["action"], namespace=ns, registry=reg
        )
        self.telegram_requests = Counter(
            "telegram_requests",
            "Requests sent to Telegram, by outcome (ok, flood_wait or an error name).",
            ["method", "outcome"],
            namespace=ns,
            registry=reg,
        )
        self.flood_wait_seconds = Counter(
            "flood_wait_seconds",
            "Seconds Telegram told the bot to wait (FLOOD_WAIT).",
            ["method"],
            namespace=ns,
            registry=reg,
        )
        self.membership_checks = Counter(
            "membership_checks",
            "Membership verdicts, by where they came from.",
            ["source"],
            namespace=ns,
            registry=reg,
        )
        self.redis_errors = Counter(
            "redis_errors", "Failed calls to the shared Redis cache.", namespace=ns, registry=reg
        )
        self.bot_standing = Counter(
            "bot_standing_changes",
            "The bot's own standing in a group changed (demoted, removed, ok again).",
            ["state"],
            namespace=ns,
            registry=reg,
        )
        self.groups_unguarded = Gauge(
            "groups_unguarded",
            "Groups where the bot was demoted or removed and acts on nobody.",
            namespace=ns,
            registry=reg,
        )
        self.cache_entries = Gauge(
            "cache_entries", "Verdicts held in process memory.", namespace=ns, registry=reg
        )
        self.restrictions_active = Gauge(
            "restrictions_active",
            "Mutes the bot imposed and has not lifted.",
            namespace=ns,
            registry=reg,
        )
        self.protected_groups = Gauge(
            "protected_groups", "Groups with protection on.", namespace=ns, registry=reg
        )
        self.unhealthy_links = Gauge(
            "unhealthy_links",
            "Group-channel links the bot cannot check (not admin, private, gone).",
            namespace=ns,
            registry=reg,
        )
        self.telegram_request_seconds = Histogram(
            "telegram_request_seconds",
            "Time a request to Telegram took, answered or refused (flood waits excluded).",
            ["method"],
            buckets=TELEGRAM_BUCKETS,
            namespace=ns,
            registry=reg,
        )
        self.flood_waits = Counter(
            "flood_waits",
            "FLOOD_WAIT answers from Telegram.",
            ["method"],
            namespace=ns,
            registry=reg,
        )
        self.cache_lookups = LightCounter(
            "cache_lookups",
            "Membership cache lookups, by layer (memory, redis) and result (hit, miss).",
            ["layer", "result"],
            namespace=ns,
            registry=reg,
        )
        self._memory_hit = self.cache_lookups.labels(layer="memory", result="hit")
        self.button_presses = Counter(
            "button_presses",
            "Presses of the 'I have joined' button, by the answer they got.",
            ["result"],
            namespace=ns,
            registry=reg,
        )
        self.links = Gauge(
            "links", "Group-channel links of protected groups.", namespace=ns, registry=reg
        )
        self.warmup_progress = Gauge(
            "warmup_progress_ratio",
            "Progress of the running warm-up (bulk verification), 0 to 1; 1 when none runs.",
            namespace=ns,
            registry=reg,
        )
        self.warmup_progress.set(1)
        self.warmup_pending = Gauge(
            "warmup_pending_members",
            "Members the running warm-up has still to check.",
            namespace=ns,
            registry=reg,
        )
        self.shutting_down = Gauge(
            "shutting_down", "1 once a stop was asked for.", namespace=ns, registry=reg
        )
        self.handler_seconds = LightHistogram(
            "handler_seconds",
            "Time spent handling one update.",
            ["kind"],
            buckets=HANDLER_BUCKETS,
            namespace=ns,
            registry=reg,
        )

    def render(self) -> bytes:
        """The registry in Prometheus' text exposition format (`content_type`)."""
        return generate_latest(self.registry)

    def decision(self, action: str) -> None:
        self.decisions.labels(action=action).inc()

    def telegram_request(self, method: str, outcome: str) -> None:
        self.telegram_requests.labels(method=method, outcome=outcome).inc()

    def flood_wait(self, method: str, seconds: float) -> None:
        self.telegram_requests.labels(method=method, outcome="flood_wait").inc()
        self.flood_waits.labels(method=method).inc()
        self.flood_wait_seconds.labels(method=method).inc(seconds)

    def bot_state(self, state: str) -> None:
        self.bot_standing.labels(state=state).inc()

    def telegram_latency(self, method: str, seconds: float) -> None:
        self.telegram_request_seconds.labels(method=method).observe(seconds)

    def cache_lookup(self, layer: str, hit: bool) -> None:
        self.cache_lookups.labels(layer=layer, result="hit" if hit else "miss").inc()

    def memory_hits(self, count: int) -> None:
        """The hot path's hits, on a pre-bound child: a dict lookup less per message."""
        self._memory_hit.inc(count)

    def button_press(self, result: str) -> None:
        self.button_presses.labels(result=result).inc()

    def membership_check(self, source: str) -> None:
        self.membership_checks.labels(source=source).inc()
