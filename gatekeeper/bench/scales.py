"""The benchmark's scales and its pre-generated update stream, the same for every configuration.

A scale says how many groups, members and channels there are; the stream says who writes
where, in which order. Both are pure data from a seed, so every configuration (bare Telethon,
the naive checker, Gatekeeper on each backend) plays exactly the same conversation.

Members are generated compactly: member `j` of group `g` is user `(g * stride + j) % pool`, so
groups share members without a table of who is where, and only the members who actually
write are ever created in the simulated world.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cached_property

ZIPF_EXPONENT = 1.1
BURST_WRITERS = 50
BURST_UNSUBSCRIBED = 30
BURST_MESSAGES_EACH = 2


@dataclass(frozen=True)
class Scale:
    name: str
    groups: int
    members: int  # per group
    channels: int  # shared by all groups
    channels_per_group: int
    subscribed: float  # share of members subscribed to every channel their group requires
    messages: int  # steady-state messages in the stream
    pool: int  # distinct people across all groups (smaller than groups * members: sharing)

    def channels_of(self, group: int) -> tuple[int, ...]:
        return tuple((group + k) % self.channels for k in range(self.channels_per_group))

    def user_of(self, group: int, member: int) -> int:
        stride = self.pool // self.groups if self.groups > 1 else 0
        return (group * stride + member) % self.pool

    def subscribed_to(self, user: int, channel: int) -> bool:
        """Deterministic, independent per (user, channel), so that a member of several groups
        is subscribed to `subscribed` of them all at once."""
        share = self.subscribed ** (1 / self.channels_per_group)
        mixed = (user * 2_654_435_761 + channel * 40_503 + 12_345) % 1_000_003
        return bool(mixed < share * 1_000_003)

    def may_write(self, group: int, member: int) -> bool:
        user = self.user_of(group, member)
        return all(self.subscribed_to(user, c) for c in self.channels_of(group))


SCALES = {
    "small": Scale("small", 1, 1_000, 1, 1, 0.95, 20_000, 1_000),
    "large": Scale("large", 100, 10_000, 10, 2, 0.95, 40_000, 300_000),
}
QUICK_SCALES = {
    "small": Scale("small", 1, 1_000, 1, 1, 0.95, 1_500, 1_000),
    "large": Scale("large", 5, 1_000, 5, 2, 0.95, 1_500, 2_500),
}


class Stream:
    """Who writes where: (group, member) pairs, members drawn Zipf-like within each group."""

    def __init__(self, scale: Scale, seed: int = 7) -> None:
        self.scale = scale
        rng = random.Random(seed)
        weights = list(
            itertools.accumulate(1 / (rank**ZIPF_EXPONENT) for rank in range(1, scale.members + 1))
        )
        members = range(scale.members)
        groups = rng.choices(range(scale.groups), k=scale.messages)
        picks = rng.choices(members, cum_weights=weights, k=scale.messages)
        self.messages: list[tuple[int, int]] = list(zip(groups, picks, strict=True))

    @cached_property
    def first_pass(self) -> list[tuple[int, int]]:
        """Each writer's first message, in order of first appearance (verdicts unknown)."""
        return list(dict.fromkeys(self.messages))

    @cached_property
    def steady(self) -> list[tuple[int, int]]:
        """The stream once the unsubscribed are muted: Telegram no longer delivers theirs."""
        return [(g, m) for g, m in self.messages if self.scale.may_write(g, m)]

    def unknown_pairs(self) -> set[tuple[int, int]]:
        """Distinct (channel, user) pairs whose verdict the first pass must learn."""
        scale = self.scale
        return {
            (channel, scale.user_of(g, m))
            for g, m in self.first_pass
            for channel in scale.channels_of(g)
        }

    def burst(self) -> list[tuple[int, bool]]:
        """Newcomers writing in group 0 within one second: (newcomer index, subscribed)."""
        writers = [(i, i >= BURST_UNSUBSCRIBED) for i in range(BURST_WRITERS)]
        return [w for _ in range(BURST_MESSAGES_EACH) for w in writers]
