"""Only a broadcast channel can be required: everything else gets a clear reason."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import last_reply, say


async def test_only_a_broadcast_channel_can_be_required(stage: Stage) -> None:
    other = stage.sim.create_supergroup("Other chat", owner=stage.carol, username="otherchat")
    other.promote(stage.bot, by=stage.carol)  # even where the bot is an admin
    helper = stage.sim.create_bot("helper_bot")
    basic = stage.sim.create_basic_group("Old friends", stage.carol, stage.bot)
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    await stage.start()

    names = f"@otherchat {basic} @alice @helper_bot {stage.group.peer_id}"
    await say(stage, stage.carol, stage.group, f"/protect {names}")
    reply = last_reply(stage.group, stage.bot)

    lines = reply.splitlines()
    assert lines[0] == "Protection is not on: no channel could be linked."
    assert any("@otherchat: that is a group, not a channel" in line for line in lines)
    assert any(f"{basic}: that is a basic group, not a channel" in line for line in lines)
    assert any("@alice: that is a person, not a channel" in line for line in lines)
    assert any("@helper_bot: that is a bot, not a channel" in line for line in lines)
    assert any(f"{stage.group.peer_id}: that is this group itself" in line for line in lines)
    assert helper.username == "helper_bot"
    await say(stage, stage.carol, stage.group, "/protect @news")
    assert "✅ @news" in last_reply(stage.group, stage.bot)
    await say(stage, stage.carol, stage.group, "/status")
    status = last_reply(stage.group, stage.bot)
    assert "@news" in status and "otherchat" not in status
