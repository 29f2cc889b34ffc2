"""The warm-up scale: a 200,000-member group verified under a simulated flood limit.

The group's members have varied names (as people do), so the bot's searches by letter can
reach past Telegram's 10,000 cap; its channel lists only about 200 subscribers, as broadcast
channels do. The sim turns away calls past a flood limit per request type (by the sim's
clock): when the warm-up pauses for the wait, the bench moves the clock on and the bot's
periodic sweep resumes it. Real time is the bot's and the sim's work; simulated time also
counts the waits Telegram imposed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import random
import tempfile
from pathlib import Path
from time import perf_counter
from typing import Any

from gatekeeper.bench.contestants import UNPACED
from gatekeeper.bench.meters import TelegramMeter, peak_rss_mb
from gatekeeper.bench.phases import Figures
from gatekeeper.bench.world import PATIENCE
from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim import Participant, Role
from gatekeeper.sim.stage import Stage

MEMBERS = 200_000
QUICK_MEMBERS = 2_000
SUBSCRIBED = 0.95
FLOOD_LIMITS = {"GetParticipantRequest": (1_000, 30.0), "GetParticipantsRequest": (100, 30.0)}
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def available() -> bool:
    return importlib.util.find_spec("gatekeeper.services.warmup") is not None


def warmup_scale(quick: bool, members: int | None = None) -> Figures:
    size = members or (QUICK_MEMBERS if quick else MEMBERS)
    if not available():
        return {"members": size, "skipped": "warm-up not available (no warm-up service yet)"}
    return asyncio.run(measure_warmup(size))


async def measure_warmup(members: int) -> Figures:
    configure_logging("ERROR")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'gatekeeper.db'}"
        # The sim's flood limit stands in for Telegram's; the pacer's own budget (30 a second
        # of wall time) is lifted, or 200,000 checks would take two hours.
        unpaced: dict[str, Any] = {
            "warmup_interval": 86_400.0,  # as in production: /protect starts a warm-up
            "warmup_rate": UNPACED,
            "telegram_rate": UNPACED,
            "telegram_burst": UNPACED,
        }
        stage = Stage(url, session=Path(folder) / "bot.session", **unpaced)
        try:
            return await _warm(stage, members)
        finally:
            await stage.stop()


async def _warm(stage: Stage, members: int) -> Figures:
    sim, group, news = stage.sim, stage.group, stage.news
    rng = random.Random(11)
    subscribed = 0
    for _ in range(members):
        name = "".join(rng.choices(_SYLLABLES, k=3)).title()
        person = sim.create_user(name).state
        group.state.participants[person.id] = Participant(person.id, Role.MEMBER, 0)
        if rng.random() < SUBSCRIBED:
            news.state.participants[person.id] = Participant(person.id, Role.MEMBER, 0)
            subscribed += 1
    stage.make_admin(group)
    stage.make_admin(news)
    app: Any = await stage.start()
    faults: Any = sim.faults  # flood limits come with the warm-up's sim
    for request, (calls, seconds) in FLOOD_LIMITS.items():
        faults.flood_limit(request, calls=calls, per_seconds=seconds)
    meter = TelegramMeter(sim)
    started_clock, started = stage.clock.now(), perf_counter()
    stage.carol.send(group, "/protect @news")
    await stage.settle(PATIENCE)
    pauses = 0
    while True:
        progress = app.warmup.progress(group.peer_id)
        if progress is None or progress.state != "waiting":
            break
        pauses += 1
        await stage.pass_time(max(1.0, progress.resume_at - stage.clock.now()))
    muted = sum(not group.can_write(sim.user(uid)) for uid in list(group.state.participants))
    spent = meter.snapshot()
    return {
        "members": members,
        "subscribed": subscribed,
        "state": str(getattr(progress, "state", "none")),
        "listed_total": getattr(progress, "total", 0),
        "verified": getattr(progress, "verified", 0),
        "not_subscribed": getattr(progress, "not_subscribed", 0),
        "channel_checks": spent["channel_checks"],
        "listing_pages": sim.requests["GetParticipantsRequest"],
        "flood_waits_given": faults.flood_waits,
        "pauses": pauses,
        "muted_by_warmup": muted,
        "real_seconds": perf_counter() - started,
        "simulated_seconds": stage.clock.now() - started_clock,
        "peak_rss_mb": peak_rss_mb(),
    }
