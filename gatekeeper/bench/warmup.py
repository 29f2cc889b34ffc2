"""The warm-up scale: a 200,000-member group verified under a simulated flood limit.

It needs the bot's warm-up service (issue 7, built alongside this benchmark). Until that
service is part of the bot, this scale reports that it is not available rather than
measuring something else under its name.
"""

from __future__ import annotations

import importlib.util

from gatekeeper.bench.phases import Figures

MEMBERS = 200_000
QUICK_MEMBERS = 10_000


def warmup_scale(quick: bool) -> Figures:
    members = QUICK_MEMBERS if quick else MEMBERS
    if importlib.util.find_spec("gatekeeper.services.warmup") is None:
        return {"members": members, "skipped": "warm-up not available (no warm-up service yet)"}
    return {"members": members, "skipped": "warm-up not wired into the benchmark yet"}
