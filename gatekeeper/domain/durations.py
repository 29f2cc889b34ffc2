"""Durations as admins write them (90, 90s, 5m, 1h, 2d) and as the bot says them back."""

from __future__ import annotations

import re

from gatekeeper.domain.commands import CommandError

_DURATION = re.compile(r"^(?P<n>[0-9]{1,6})(?P<unit>s|m|h|d)?$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str, what: str) -> int:
    """Seconds in `90`, `90s`, `5m`, `1h` or `2d`."""
    match = _DURATION.match(value)
    if not match:
        raise CommandError("{what} takes a duration like 90, 90s, 5m, 1h or 2d", what=what)
    return int(match.group("n")) * _UNITS[match.group("unit") or "s"]


def within(seconds: int, low: int, high: int, what: str) -> int:
    if not low <= seconds <= high:
        raise CommandError(
            "{what} must be between {low} and {high}", what=what, low=say(low), high=say(high)
        )
    return seconds


def say(seconds: int) -> str:
    """A duration as an admin would write it: 90s, 5m, 24h, 2d."""
    # A day is said in hours (24h): days only from two on.
    for unit, size, least in (("d", 86400, 2 * 86400), ("h", 3600, 3600), ("m", 60, 60)):
        if seconds >= least and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
