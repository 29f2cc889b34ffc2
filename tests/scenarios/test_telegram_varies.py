"""Where Telegram legitimately answers otherwise than our sim does, the bot still does its job."""

from __future__ import annotations

import structlog

from gatekeeper.sim.stage import Stage
from tests.scenarios.forum import forum
from tests.scenarios.helpers import guarded, notices_for, say


async def test_a_notice_for_a_topic_deleted_meanwhile_goes_to_general(stage: Stage) -> None:
    books, _ = await forum(stage)
    stage.sim.faults.error("SendMessageRequest", 400, "TOPIC_DELETED")

    stage.alice.send(stage.group, "hello books", reply_to=books)
    await stage.settle()

    assert not stage.group.can_write(stage.alice)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert notice.topic is None, "told in General, since her topic is gone"


async def test_a_notice_refused_in_words_telethon_does_not_know_mutes_all_the_same(
    stage: Stage,
) -> None:
    """Telegram has moved TOPIC_CLOSED between 400 and 406; Telethon knows it by neither."""
    books, _ = await forum(stage)
    stage.sim.faults.error("SendMessageRequest", 406, "TOPIC_CLOSED")

    with structlog.testing.capture_logs() as logs:
        said = stage.alice.send(stage.group, "hello books", reply_to=books)
        await stage.settle()

    assert not stage.group.can_write(stage.alice)
    assert stage.group.message(said.id) is None
    assert notices_for(stage.group, stage.bot, stage.alice) == []
    refused = [e for e in logs if e["event"] == "send_refused"]
    assert [e["reason"] for e in refused] == ["TOPIC_CLOSED"]
    assert "action_failed" not in [e["event"] for e in logs], "a refusal, not a failure"


async def test_a_reply_to_a_command_refused_for_a_new_reason_fails_nothing(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.sim.faults.error("SendMessageRequest", 403, "CHAT_SEND_PLAIN_FORBIDDEN")

    with structlog.testing.capture_logs() as logs:
        await say(stage, stage.carol, stage.group, "/status")

    events = [entry["event"] for entry in logs]
    assert "send_refused" in events and "handler_failed" not in events
