"""A bot in a child process that the test kills with SIGKILL:
`python -m tests.operations.crash_process D first` and then `... D again`.

first: the bot guards the group; Telegram makes Alice's mute wait a minute (a flood wait). Once
the postponed mute is in the database, the world is saved to D/world.pickle, `postponed` is
printed, and the process stands still (nothing more runs) until it is killed.
again: a new bot on the same database and session file goes on from the saved world, as
Telegram goes on while a bot is down; a minute passes; what the world shows goes to D/facts.json.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim.stage import Stage
from tests.reliability.fault_world import Watch
from tests.scenarios.helpers import guarded, notices_for, say

WAIT = 60  # seconds of the flood wait on the mute


def stage_in(folder: Path) -> Stage:
    return Stage(f"sqlite+aiosqlite:///{folder / 'bot.db'}", session=folder / "bot.session")


async def first(folder: Path) -> None:
    stage = stage_in(folder)
    await guarded(stage)
    assert stage.app is not None
    stage.sim.faults.flood_wait("EditBannedRequest", WAIT)
    await say(stage, stage.alice, stage.group, "hi, I am not subscribed")
    queue = stage.app.enforcer.queue
    assert queue.pending() and not queue.unsaved(), "the mute waits, kept in the database"
    (folder / "world.pickle").write_bytes(stage.save_world())
    print("postponed", flush=True)
    time.sleep(3600)  # noqa: ASYNC251 - the loop stands still: the kill finds the bot here


async def again(folder: Path) -> None:
    stage = stage_in(folder)
    stage.load_world((folder / "world.pickle").read_bytes())
    watch = Watch(stage)
    watch.install()
    await stage.start()
    await stage.pass_time(WAIT + 1)
    await stage.pass_time(WAIT + 1)
    facts = {
        "alice_can_write": stage.group.can_write(stage.alice),
        "mutes": watch.mutes(),
        "notices": len(notices_for(stage.group, stage.bot, stage.alice)),
        "violations": watch.violations,
    }
    await stage.stop()
    (folder / "facts.json").write_text(json.dumps(facts))


if __name__ == "__main__":
    configure_logging("INFO", json=True)
    phase = {"first": first, "again": again}[sys.argv[2]]
    asyncio.run(phase(Path(sys.argv[1])))
