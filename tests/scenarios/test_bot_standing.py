"""The bot demoted or removed in a protected group stops acting there, and says so once."""

from __future__ import annotations

from gatekeeper.domain.model import BotState
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, say

NOT_ADMIN = "I am no longer an admin of this group"


def told(stage: Stage, words: str) -> int:
    return sum(words in m.text for m in stage.group.messages() if m.sender_user_id == stage.bot.id)


def metric(stage: Stage, line: str) -> bool:
    assert stage.app is not None
    return line in stage.app.metrics.render().decode()


async def test_demoted_it_acts_on_nobody_tells_the_admins_once_and_status_shows_it(
    stage: Stage,
) -> None:
    await guarded(stage, members=(stage.alice, stage.bob))
    await say(stage, stage.alice, stage.group, "hi")
    assert not stage.group.can_write(stage.alice)

    stage.group.demote(stage.bot, by=stage.carol)
    await stage.settle()
    stage.group.promote(stage.bot, by=stage.carol, invite_users=True)  # still no ban right
    await stage.settle()
    bans, deletes = (
        stage.sim.requests["EditBannedRequest"],
        stage.sim.requests["DeleteMessagesRequest"],
    )
    spoken = await say(stage, stage.bob, stage.group, "not subscribed either")

    assert told(stage, NOT_ADMIN) == 1
    assert stage.group.message(spoken.id) is not None and stage.group.can_write(stage.bob)
    assert stage.sim.requests["EditBannedRequest"] == bans
    assert stage.sim.requests["DeleteMessagesRequest"] == deletes
    assert metric(stage, 'gatekeeper_bot_standing_changes_total{state="demoted"} 1.0')
    assert metric(stage, "gatekeeper_groups_unguarded 1.0")
    assert stage.app is not None
    stored = await stage.app.storage.groups.load_all()
    assert [r.bot_state for r in stored] == [BotState.DEMOTED]
    await say(stage, stage.carol, stage.group, "/status")
    assert "stopped guarding" in last_reply(stage.group, stage.bot)


async def test_admin_again_it_resumes_and_rechecks_whom_it_muted(stage: Stage) -> None:
    await guarded(stage, members=(stage.alice,))
    await say(stage, stage.alice, stage.group, "hi")
    stage.group.demote(stage.bot, by=stage.carol)
    await stage.settle()
    stage.alice.join(stage.news)  # while the bot could not release her
    await stage.settle()
    assert not stage.group.can_write(stage.alice)

    stage.make_admin(stage.group)
    await stage.settle()

    assert stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == []
    assert told(stage, "admin here again") == 1
    dave = stage.user("Dave")
    dave.join(stage.group)
    await say(stage, dave, stage.group, "hello")
    assert not stage.group.can_write(dave), "guarding again"


async def test_removed_the_groups_state_is_kept_marked_and_costs_no_work(stage: Stage) -> None:
    await guarded(stage, members=(stage.alice,))
    await say(stage, stage.alice, stage.group, "hi")
    stage.group.demote(stage.bot, by=stage.carol)
    stage.carol.kick(stage.group, stage.bot)
    await stage.settle()
    assert metric(stage, 'gatekeeper_bot_standing_changes_total{state="removed"} 1.0')

    work = ("GetParticipantRequest", "GetParticipantsRequest", "EditBannedRequest")
    before = [stage.sim.requests[name] for name in work]
    app = await stage.restart()
    await stage.pass_time(3600)

    rules = app.registry.rules[stage.group.peer_id]
    assert rules.bot_state is BotState.REMOVED and rules.protected and rules.links
    assert app.registry.restriction(stage.group.peer_id, stage.alice.id) is not None
    assert [stage.sim.requests[name] for name in work] == before
