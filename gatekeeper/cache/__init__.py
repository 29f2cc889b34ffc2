"""Membership cache: a bounded in-process LRU in front of an optional shared Redis."""

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.cache.memory import MembershipMemory
from gatekeeper.cache.shared import RedisMembership

__all__ = ["MembershipCache", "MembershipMemory", "RedisMembership"]
