"""The bot never silences the wrong people and never lifts what it did not impose."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say


async def protected(stage: Stage) -> None:
    stage.news.link_discussion(stage.group)
    await guarded(stage)


async def test_admins_anonymous_admins_and_the_linked_channel_are_never_muted(
    stage: Stage,
) -> None:
    dave = stage.user("Dave")
    dave.join(stage.group)
    stage.group.promote(dave, by=stage.carol, delete_messages=True)
    await protected(stage)

    await say(stage, dave, stage.group, "admin speaking, not subscribed")
    anonymous = stage.carol.send_anonymously(stage.group, "anonymous admin")
    forward = stage.news.post("channel post, forwarded into the group")
    await stage.settle()

    texts = [m.text for m in stage.group.messages()]
    assert "admin speaking, not subscribed" in texts
    assert stage.group.message(anonymous.id) is not None
    assert any(m.fwd_from_chat_id == stage.news.id for m in stage.group.messages())
    assert stage.group.can_write(dave)
    assert forward.text


async def test_an_admin_mute_is_left_alone_even_after_the_member_subscribes(stage: Stage) -> None:
    await protected(stage)
    stage.carol.restrict(stage.group, stage.alice, send_messages=True)
    await stage.settle()

    stage.alice.join(stage.news)
    await stage.settle()

    assert not stage.group.can_write(stage.alice), "the bot did not lift Carol's mute"


async def test_an_admin_taking_over_a_bot_mute_is_respected(stage: Stage) -> None:
    await protected(stage)
    await say(stage, stage.alice, stage.group, "hi")
    assert not stage.group.can_write(stage.alice)

    stage.carol.restrict(stage.group, stage.alice, send_messages=True, send_media=True)
    await stage.settle()
    stage.alice.join(stage.news)
    await stage.settle()

    assert not stage.group.can_write(stage.alice), "Carol's own restriction stands"


async def test_release_restores_the_members_earlier_rights_exactly(stage: Stage) -> None:
    await protected(stage)
    stage.carol.restrict(stage.group, stage.alice, send_photos=True)  # no photos, by hand
    await stage.settle()

    await say(stage, stage.alice, stage.group, "text is still allowed")
    assert not stage.group.can_write(stage.alice)
    stage.alice.join(stage.news)
    await stage.settle()

    participant = stage.group.participant(stage.alice)
    assert participant is not None
    assert participant.banned_rights == frozenset({"send_photos"})
    assert stage.group.can_write(stage.alice)


async def test_a_post_as_a_foreign_channel_is_removed_and_its_owner_not_muted(
    stage: Stage,
) -> None:
    hers = stage.sim.create_channel("Alice's blog", owner=stage.alice, username="aliceblog")
    stage.alice.join(stage.news)
    await protected(stage)

    post = stage.alice.send_as(stage.group, hers, "posting as my channel")
    await stage.settle()

    assert stage.group.message(post.id) is None
    assert stage.group.can_write(stage.alice)


async def test_other_bots_are_not_muted_on_arrival(stage: Stage) -> None:
    await protected(stage)
    helper = stage.sim.create_bot("helper_bot")

    helper.join(stage.group)
    await stage.settle()

    assert stage.group.can_write(helper)
    assert notices_for(stage.group, stage.bot, helper) == []
