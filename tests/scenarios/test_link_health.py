"""A channel the bot can no longer check punishes nobody; admins hear of it once; it heals."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, say

WARNING = "I can no longer check"


def warnings(stage: Stage) -> list[str]:
    return [m.text for m in stage.group.messages() if WARNING in m.text]


async def test_the_bot_demoted_in_a_channel_mutes_nobody_tells_admins_once_and_heals(
    stage: Stage,
) -> None:
    await guarded(stage, members=(stage.alice, stage.bob))

    stage.news.demote(stage.bot, by=stage.carol)
    await stage.settle()
    await say(stage, stage.alice, stage.group, "can I still talk?")
    await say(stage, stage.bob, stage.group, "me too?")

    assert stage.group.can_write(stage.alice) and stage.group.can_write(stage.bob)
    assert len(warnings(stage)) == 1, "told once, not on every message"
    await say(stage, stage.carol, stage.group, "/status")
    assert "@news: ⚠️" in last_reply(stage.group, stage.bot)

    stage.make_admin(stage.news)
    await stage.settle()
    await say(stage, stage.carol, stage.group, "/status")
    assert "@news: ✅ healthy" in last_reply(stage.group, stage.bot)
    await say(stage, stage.alice, stage.group, "and now?")
    assert not stage.group.can_write(stage.alice), "protection is whole again"


async def test_a_broken_link_found_by_a_check_is_healed_by_the_periodic_probe(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.error("GetParticipantRequest", 400, "CHAT_ADMIN_REQUIRED", times=1)

    await say(stage, stage.alice, stage.group, "hello")
    assert stage.group.can_write(stage.alice)
    assert len(warnings(stage)) == 1

    await stage.pass_time(301)
    await say(stage, stage.carol, stage.group, "/status")
    assert "@news: ✅ healthy" in last_reply(stage.group, stage.bot)
