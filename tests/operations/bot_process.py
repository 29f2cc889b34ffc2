"""A whole bot in a child process for the shutdown test: `python -m tests.operations.bot_process D`.

The simulated Telegram is in-process, so this process hosts both: the real bot (`App.run`, with
its signal handlers) over the sim, and a stream of members writing in the guarded group. Early
on, Telegram makes the mutes wait (a flood wait), so postponed work piles up. It prints
`working` once the bot is busy; after the bot stops it writes the world's facts (who is muted in
the group) to D/world.json, saves the world itself to D/world.pickle, and exits with the bot's
exit status.

`python -m tests.operations.bot_process D again`: a new bot on the same database and session
goes on from the saved world until the flood wait is long over; it writes to D/again.json who is
muted, how many live notices each member has, and what the world saw done twice.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from gatekeeper.app import build
from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim.stage import Stage
from gatekeeper.telegram.client import client_options
from tests.reliability.fault_world import Watch
from tests.scenarios.helpers import notices_for

MEMBERS = 400
LATENCY = 0.02  # seconds per Telegram request, so that work is in flight when the signal comes
FLOOD_AFTER = 60  # messages, after which Telegram makes the mutes wait
FLOOD_WAIT = 60  # seconds


async def run_bot(stage: Stage) -> asyncio.Task[int]:
    """The bot as `gatekeeper run` runs it (`App.run`: signals, exit status), once started."""
    session = str(stage.session) if stage.session else None
    client = stage.sim.client(stage.bot, session=session, **client_options())
    app = stage.app = build(stage.settings(), client=client, clock=stage.clock)
    running = asyncio.create_task(app.run())
    await app.handlers.ready.wait()
    return running


async def main(folder: Path) -> int:
    configure_logging("INFO", json=True)
    stage = Stage(f"sqlite+aiosqlite:///{folder / 'bot.db'}", session=folder / "bot.session")
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    members = [stage.user(f"member{i}") for i in range(MEMBERS)]
    for member in members:
        member.join(stage.group)
    running = await run_bot(stage)
    stage.carol.send(stage.group, "/protect @news")
    await stage.settle()
    stage.sim.faults.latency(LATENCY)

    async def write() -> int:
        sent = 0
        for member in members:
            if running.done():
                break
            member.send(stage.group, "hello")
            sent += 1
            if sent == FLOOD_AFTER:
                stage.sim.faults.flood_wait("EditBannedRequest", FLOOD_WAIT)
            if sent == 20:
                print("working", flush=True)
            await asyncio.sleep(0.005)
        return sent

    writer = asyncio.create_task(write())
    status = await running
    sent = await writer
    muted = [m.id for m in members if not stage.group.can_write(m)]
    facts = {
        "group_id": stage.group.peer_id,
        "muted": muted,
        "sent": sent,
        "wrote": [m.id for m in members[:sent]],
        "status": status,
    }
    (folder / "world.json").write_text(json.dumps(facts))
    (folder / "world.pickle").write_bytes(stage.save_world())
    return status


async def again(folder: Path) -> int:
    stage = Stage(f"sqlite+aiosqlite:///{folder / 'bot.db'}", session=folder / "bot.session")
    members = [stage.user(f"member{i}") for i in range(MEMBERS)]
    stage.load_world((folder / "world.pickle").read_bytes())
    members = [stage.sim.user(m.id) for m in members]
    watch = Watch(stage)
    watch.install()
    # What the stop left is caught up (updates the bot no longer took) and done: at a pace
    # that keeps the test short.
    stage.overrides.update(telegram_rate=1000.0, telegram_burst=1000.0)
    stage.app = await stage.start_bot(stage.bot, stage.session)
    await stage.settle(patience=60)
    for _ in range(3):
        await stage.pass_time(FLOOD_WAIT + 1)
    # The last word goes to the members: one whose message came as the client disconnected
    # may not have been handed to the bot (Telethon's update loop counts it and stops), and
    # meets the gate when they write again.
    wrote = set(json.loads((folder / "world.json").read_text())["wrote"])
    still_free = [m for m in members if m.id in wrote and stage.group.can_write(m)]
    for member in still_free:
        member.send(stage.group, "still here")
    await stage.settle(patience=60)
    facts = {
        "spoke_again": [m.id for m in still_free],
        "muted": [m.id for m in members if not stage.group.can_write(m)],
        "notices": {m.id: len(notices_for(stage.group, stage.bot, m)) for m in members},
        "violations": watch.violations,
    }
    await stage.stop()
    (folder / "again.json").write_text(json.dumps(facts))
    return 0


if __name__ == "__main__":
    if sys.argv[2:] == ["again"]:
        configure_logging("INFO", json=True)
        sys.exit(asyncio.run(again(Path(sys.argv[1]))))
    sys.exit(asyncio.run(main(Path(sys.argv[1]))))
