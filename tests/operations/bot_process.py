"""A whole bot in a child process for the shutdown test: `python -m tests.operations.bot_process D`.

The simulated Telegram is in-process, so this process hosts both: the real bot (`App.run`, with
its signal handlers) over the sim, and a stream of members writing in the guarded group. It
prints `working` once the bot is busy; after the bot stops it writes the world's facts (who is
muted in the group) to D/world.json and exits with the bot's exit status.
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

MEMBERS = 400
LATENCY = 0.02  # seconds per Telegram request, so that work is in flight when the signal comes


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
            if sent == 20:
                print("working", flush=True)
            await asyncio.sleep(0.005)
        return sent

    writer = asyncio.create_task(write())
    status = await running
    sent = await writer
    muted = [m.id for m in members if not stage.group.can_write(m)]
    facts = {"group_id": stage.group.peer_id, "muted": muted, "sent": sent, "status": status}
    (folder / "world.json").write_text(json.dumps(facts))
    return status


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]))))
