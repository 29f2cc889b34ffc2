"""An edit is looked at like a new message: a kept message cannot be rewritten into spam."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, say


async def test_a_message_kept_while_its_check_waited_is_checked_when_edited(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.flood_wait("GetParticipantRequest", 30)
    message = await say(stage, stage.alice, stage.group, "hello")
    assert stage.group.message(message.id) is not None, "kept: the check had to wait"
    await stage.pass_time(31)

    stage.alice.edit(message, "buy my stuff at example.com")
    await stage.settle()

    assert stage.group.message(message.id) is None
    assert not stage.group.can_write(stage.alice)


async def test_a_subscriber_editing_her_message_keeps_it(stage: Stage) -> None:
    stage.alice.join(stage.news)
    await guarded(stage)
    message = await say(stage, stage.alice, stage.group, "hello")

    stage.alice.edit(message, "hello, everyone")
    await stage.settle()

    assert stage.group.message(message.id) is not None
    assert stage.group.can_write(stage.alice)


async def test_an_edited_command_is_not_run_again(stage: Stage) -> None:
    await guarded(stage)
    command = await say(stage, stage.carol, stage.group, "/status")
    replies = len(stage.group.messages())

    stage.carol.edit(command, "/unprotect")
    await stage.settle()

    assert len(stage.group.messages()) == replies
