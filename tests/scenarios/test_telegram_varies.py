"""Where Telegram legitimately answers otherwise than our sim does, the bot still does its job."""

from __future__ import annotations

import structlog

from gatekeeper.sim import Role
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


async def test_a_member_approved_is_checked_when_only_the_service_message_says_so(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.bob.request_join(stage.group)
    await stage.settle()
    stage.sim.faults.withhold("UpdateChannelParticipant")

    stage.carol.approve_join(stage.group, stage.bob)
    await stage.settle()

    assert stage.group.is_member(stage.bob)
    assert not stage.group.can_write(stage.bob), "checked at once, before he says anything"
    assert len(notices_for(stage.group, stage.bot, stage.bob)) == 1


async def test_senders_the_bot_api_stands_in_for_the_group_and_its_channel_are_never_muted(
    stage: Stage,
) -> None:
    """A server that names senders as the Bot API does: 777000 for the linked channel's
    automatic forwards, GroupAnonymousBot for an anonymous admin (here as comments, which
    Telegram lets anyone who can see a post write in a discussion group)."""
    stage.news.link_discussion(stage.group)
    await guarded(stage, members=())
    post = stage.news.post("Big news today")
    await stage.settle()
    stand_ins = [
        stage.sim.create_user("Telegram", user_id=777000),
        stage.sim.create_user("Group", username="GroupAnonymousBot", user_id=1087968824),
    ]

    comments = [who.comment(post, "as the channel, or its admins") for who in stand_ins]
    await stage.settle()

    assert all(stage.group.message(c.id) is not None for c in comments), "nothing deleted"
    assert all(stage.group.role(who) is Role.LEFT for who in stand_ins), "nobody restricted"
    assert all(notices_for(stage.group, stage.bot, who) == [] for who in stand_ins)


async def test_a_deleted_account_is_not_tried_again_and_again(stage: Stage) -> None:
    await guarded(stage)
    stage.sim.faults.error("EditBannedRequest", 400, "INPUT_USER_DEACTIVATED", times=20)

    said = await say(stage, stage.alice, stage.group, "hi")
    for _ in range(6):
        await stage.pass_time(30)

    assert stage.group.message(said.id) is None, "the message still goes"
    assert stage.sim.requests["EditBannedRequest"] == 1, "Telegram said: no such user to mute"
