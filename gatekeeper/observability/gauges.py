"""Gauges that read the bot's state when scraped, so they can never drift from it."""

from __future__ import annotations

from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.registry import Registry


def observe(metrics: Metrics, registry: Registry, memory: MembershipMemory) -> None:
    rules = registry.rules
    metrics.cache_entries.set_function(lambda: len(memory))
    metrics.restrictions_active.set_function(lambda: len(registry.restrictions))
    metrics.protected_groups.set_function(lambda: sum(r.enforced for r in rules.values()))
    metrics.groups_unguarded.set_function(lambda: sum(not r.acting for r in rules.values()))
    metrics.links.set_function(lambda: sum(len(r.links) for r in rules.values() if r.protected))
    metrics.unhealthy_links.set_function(
        lambda: sum(not link.healthy for r in rules.values() for link in r.links)
    )
