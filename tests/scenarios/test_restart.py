"""The bot stops and starts again (new client, same database and session): nothing is lost."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, say


async def test_a_restart_continues_where_it_stopped(stage: Stage) -> None:
    await guarded(stage, members=(stage.alice, stage.bob))
    await say(stage, stage.alice, stage.group, "muted before the restart")
    assert not stage.group.can_write(stage.alice)

    await stage.stop()
    stage.bob.send(stage.group, "written while the bot was away")  # caught up at start
    await stage.start()

    assert not stage.group.can_write(stage.bob), "the missed message was handled"
    stage.alice.join(stage.news)
    await stage.settle()
    assert stage.group.can_write(stage.alice), "the mute recorded before the restart is lifted"
    await say(stage, stage.carol, stage.group, "/status")
    status = last_reply(stage.group, stage.bot)
    assert "Protection: on" in status and "Muted by me: 1" in status
