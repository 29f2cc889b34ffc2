"""Errors mean what Telegram says they mean, and nothing more."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, say


async def test_a_member_telegram_will_not_let_the_bot_restrict_is_not_taken_for_an_admin(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.error("EditBannedRequest", 400, "USER_ID_INVALID")

    first = await say(stage, stage.alice, stage.group, "hi")
    assert stage.group.can_write(stage.alice), "Telegram refused the mute"
    assert stage.group.message(first.id) is None, "but she is no admin: her message goes"
    await say(stage, stage.alice, stage.group, "hi again")

    assert not stage.group.can_write(stage.alice), "her next message is checked, not exempted"


async def test_an_admin_list_that_failed_to_load_is_loaded_later_despite_group_updates(
    stage: Stage,
) -> None:
    dave = stage.user("Dave")
    dave.join(stage.group)
    stage.group.promote(dave, by=stage.carol, delete_messages=True)
    await guarded(stage)
    await stage.stop()
    stage.sim.faults.error("GetParticipantsRequest", 400, "CHAT_ADMIN_REQUIRED")
    await stage.start()
    stage.bob.join(stage.group)  # a participant update about the group meanwhile
    await stage.settle()

    await stage.pass_time(601)
    asked = stage.sim.requests["GetParticipantRequest"]
    kept = await say(stage, dave, stage.group, "admin speaking")

    assert stage.group.message(kept.id) is not None
    assert stage.sim.requests["GetParticipantRequest"] == asked, "known as an admin from memory"


async def test_a_member_telegram_says_nothing_about_is_not_asked_about_on_every_message(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.error("GetParticipantRequest", 400, "USER_ID_INVALID")
    await say(stage, stage.alice, stage.group, "hi")
    assert stage.group.can_write(stage.alice), "unknown: nobody is punished for it"
    asked = stage.sim.requests["GetParticipantRequest"]

    for text in ("one", "two", "three"):
        await say(stage, stage.alice, stage.group, text)
    assert stage.sim.requests["GetParticipantRequest"] == asked, "remembered for a while"

    await stage.pass_time(61)
    await say(stage, stage.alice, stage.group, "later")
    assert not stage.group.can_write(stage.alice), "asked again once the minute is over"
