"""A whole bot in a child process that the test stops (SIGTERM) or kills (SIGKILL) while it
owes messages: `python -m tests.operations.owed_process D first` and then `... D again`.

first: the bot guards a group with a log channel; a crowd writes, more than a minute's budget
of notices can tell, so notices wait for the budget and log lines for the next sweep. Once both
wait (and nothing is being handled or written), it prints `owing`. Told `kill` (argv[3]), it
saves the world and then stands still (nothing more runs) until it is killed; otherwise it goes
on until the signal stops it, then saves the world. Either way D/first.json has what the bot posted.
again: a new bot on the same database and session goes on from the saved world; a few minutes
pass; D/again.json has what it posted, who is muted and what the world saw done twice.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim.stage import Stage
from tests.operations.bot_process import run_bot
from tests.reliability.fault_world import Watch
from tests.scenarios.test_owed_messages import record_posts

MEMBERS = 60  # three minutes of one group's notice budget
WINDOW = 60  # seconds of Telegram's per-chat message budget


def stage_in(folder: Path) -> Stage:
    return Stage(f"sqlite+aiosqlite:///{folder / 'bot.db'}", session=folder / "bot.session")


async def first(folder: Path, kill: bool) -> int:
    stage = stage_in(folder)
    log = stage.sim.create_channel("Mod log", owner=stage.carol, username="modlog")
    for chat in (stage.group, stage.news, log):
        stage.make_admin(chat)
    members = [stage.user(f"member{i:02d}") for i in range(MEMBERS)]
    for member in members:
        member.join(stage.group)
    running = await run_bot(stage)
    app = stage.app
    assert app is not None
    stage.carol.send(stage.group, "/protect @news")
    await stage.settle()
    stage.carol.send(stage.group, "/logchannel @modlog")
    await stage.settle()
    await asyncio.sleep(0.5)
    posts = record_posts(stage)
    sweeping = False
    sweep = app.sweep

    async def watched_sweep() -> None:
        nonlocal sweeping
        sweeping = True
        try:
            await sweep()
        finally:
            sweeping = False

    app.sweep = watched_sweep  # type: ignore[method-assign]
    for member in members:
        member.send(stage.group, "hello")
    waiting = app.notices.waiting
    for _ in range(6000):  # a minute at most
        quiet = not (waiting.unsaved() or sweeping or app.handlers.busy or app.busy)
        if waiting.pending() and app.journal.pending() and quiet:
            break
        await asyncio.sleep(0.01)
    facts = {"log_id": log.state.id, "members": [m.id for m in members]}
    if kill:
        (folder / "world.pickle").write_bytes(stage.save_world())
        (folder / "first.json").write_text(json.dumps({**facts, "posts": posts}))
        print("owing", flush=True)
        time.sleep(3600)  # noqa: ASYNC251 - the loop stands still: the kill finds the bot here
    print("owing", flush=True)
    status = await running
    (folder / "world.pickle").write_bytes(stage.save_world())
    (folder / "first.json").write_text(json.dumps({**facts, "posts": posts}))
    return status


async def again(folder: Path) -> int:
    stage = stage_in(folder)
    facts = json.loads((folder / "first.json").read_text())
    stage.load_world((folder / "world.pickle").read_bytes())
    watch = Watch(stage)
    watch.install()
    posts = record_posts(stage)
    stage.app = await stage.start_bot(stage.bot, stage.session)
    await stage.settle(patience=60)
    for _ in range(4):
        await stage.pass_time(WINDOW + 1)
    members = [stage.sim.user(user_id) for user_id in facts["members"]]
    result = {
        "posts": posts,
        "muted": [m.id for m in members if not stage.group.can_write(m)],
        "names": {m.id: m.first_name for m in members},
        "group_id": stage.group.state.id,
        "group_peer_id": stage.group.peer_id,
        "violations": watch.violations,
    }
    await stage.stop()
    (folder / "again.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    configure_logging("INFO", json=True)
    folder = Path(sys.argv[1])
    if sys.argv[2] == "again":
        sys.exit(asyncio.run(again(folder)))
    sys.exit(asyncio.run(first(folder, kill=sys.argv[3:] == ["kill"])))
