"""Members who are not subscribed cannot speak; joining the channel gives them their voice."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import button_urls, guarded, last_reply, notices_for, say


async def test_an_unsubscribed_member_writes_is_muted_then_joins_and_can_write(
    stage: Stage,
) -> None:
    await guarded(stage)

    message = await say(stage, stage.alice, stage.group, "hello everyone")

    assert stage.group.message(message.id) is None, "her message is gone"
    assert not stage.group.can_write(stage.alice), "she is muted"
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert "https://t.me/news" in button_urls(notice)
    assert any("I have joined" in b.text for row in notice.buttons for b in row)

    stage.alice.join(stage.news)
    await stage.settle()

    assert stage.group.can_write(stage.alice), "joining the channel released her"
    assert notices_for(stage.group, stage.bot, stage.alice) == [], "the notice is gone"
    await say(stage, stage.alice, stage.group, "hi again")
    assert stage.group.last_message() is not None
    assert stage.group.last_message().text == "hi again"  # type: ignore[union-attr]


async def test_a_subscriber_writes_freely_and_the_second_message_costs_telegram_nothing(
    stage: Stage,
) -> None:
    stage.alice.join(stage.news)
    await guarded(stage)

    await say(stage, stage.alice, stage.group, "first")
    stage.sim.requests.clear()
    await say(stage, stage.alice, stage.group, "second")

    assert [m.text for m in stage.group.messages()][-2:] == ["first", "second"]
    assert stage.group.can_write(stage.alice)
    assert sum(stage.sim.requests.values()) == 0, stage.sim.requests


async def test_leaving_the_channel_mutes_the_member_again(stage: Stage) -> None:
    stage.alice.join(stage.news)
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "I am subscribed")

    stage.alice.leave(stage.news)
    await stage.settle()

    assert not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_mute_only_setting_keeps_the_message(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings action mute")
    assert "mute only" in last_reply(stage.group, stage.bot)

    message = await say(stage, stage.alice, stage.group, "hello")

    assert stage.group.message(message.id) is not None
    assert not stage.group.can_write(stage.alice)


async def test_media_replies_and_forwards_from_a_non_subscriber_are_treated_alike(
    stage: Stage,
) -> None:
    stage.bob.join(stage.group)
    await guarded(stage)
    stage.bob.join(stage.news)
    first = await say(stage, stage.bob, stage.group, "a subscriber's message")

    photo = stage.alice.send(stage.group, "", media="photo", reply_to=first.id)
    await stage.settle()

    assert stage.group.message(photo.id) is None
    assert not stage.group.can_write(stage.alice)
    assert stage.group.message(first.id) is not None


async def test_a_sticker_from_a_non_subscriber_goes_too(stage: Stage) -> None:
    await guarded(stage)

    sticker = stage.alice.send(stage.group, "", media="sticker")
    await stage.settle()

    assert stage.group.message(sticker.id) is None
    assert not stage.group.can_write(stage.alice)
