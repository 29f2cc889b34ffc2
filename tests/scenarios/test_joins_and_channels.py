"""New members are checked at once; channel subscriptions drive mutes in every linked group."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, protect, say


async def test_a_newcomer_without_the_channel_is_muted_on_arrival_and_nothing_deleted(
    stage: Stage,
) -> None:
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    await stage.start()
    await protect(stage, stage.news)
    before = len(stage.group.messages())

    stage.alice.join(stage.group)
    await stage.settle()

    assert not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1, "one notice, not two"
    assert len(stage.group.messages()) == before + 1


async def test_a_newcomer_already_subscribed_can_write_at_once(stage: Stage) -> None:
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    stage.alice.join(stage.news)
    await stage.start()
    await protect(stage, stage.news)

    stage.alice.join(stage.group)
    await stage.settle()

    assert stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == []


async def test_two_groups_share_one_channel_leaving_mutes_in_both_joining_frees_both(
    stage: Stage,
) -> None:
    second = stage.sim.create_supergroup("Tea chat", owner=stage.carol)
    for chat in (stage.group, second, stage.news):
        stage.make_admin(chat)
    stage.alice.join(stage.news)
    stage.alice.join(stage.group)
    stage.alice.join(second)
    await stage.start()
    await protect(stage, stage.news)
    await say(stage, stage.carol, second, "/protect @news")

    stage.alice.leave(stage.news)
    await stage.settle()
    assert not stage.group.can_write(stage.alice)
    assert not second.can_write(stage.alice)

    stage.alice.join(stage.news)
    await stage.settle()
    assert stage.group.can_write(stage.alice)
    assert second.can_write(stage.alice)


async def test_one_group_requires_two_channels_and_releases_only_when_both_are_joined(
    stage: Stage,
) -> None:
    talks = stage.sim.create_channel("Talks", owner=stage.carol)  # private: no username
    for chat in (stage.group, stage.news, talks):
        stage.make_admin(chat)
    stage.alice.join(stage.group)
    await stage.start()
    await say(stage, stage.carol, stage.group, f"/protect @news {talks.peer_id}")

    await say(stage, stage.alice, stage.group, "hi")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    urls = [b.url for row in notice.buttons for b in row if b.url]
    assert "https://t.me/news" in urls
    assert any(url in urls for url in talks.invite_links()), "an invite link for the private one"

    stage.alice.join(stage.news)
    await stage.settle()
    assert not stage.group.can_write(stage.alice), "one of two is not enough"

    stage.alice.join(talks)
    await stage.settle()
    assert stage.group.can_write(stage.alice)


async def test_a_member_who_leaves_a_channel_but_not_the_group_is_the_only_one_muted(
    stage: Stage,
) -> None:
    for user in (stage.alice, stage.bob):
        user.join(stage.news)
    outsider = stage.user("Olga")
    outsider.join(stage.news)
    await guarded(stage, members=(stage.alice, stage.bob))

    stage.alice.leave(stage.news)
    outsider.leave(stage.news)
    await stage.settle()

    assert not stage.group.can_write(stage.alice)
    assert stage.group.can_write(stage.bob)
    assert (
        not stage.group.is_member(outsider) and notices_for(stage.group, stage.bot, outsider) == []
    )


async def test_a_member_approved_from_a_join_request_is_checked_at_once(stage: Stage) -> None:
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    await stage.start()
    await protect(stage, stage.news)

    stage.alice.request_join(stage.group)
    await stage.settle()
    stage.carol.approve_join(stage.group, stage.alice)
    await stage.settle()

    assert stage.group.is_member(stage.alice)
    assert not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_a_crowd_arriving_at_once_is_muted_but_notices_keep_to_telegrams_budget(
    stage: Stage,
) -> None:
    await guarded(stage, members=())
    crowd = [stage.user(f"Visitor {i:02d}") for i in range(30)]

    for visitor in crowd:
        visitor.join(stage.group)
    await stage.settle()

    assert not any(stage.group.can_write(v) for v in crowd), "everyone is muted"
    bot_messages = [m for m in stage.group.messages() if m.sender_user_id == stage.bot.id]
    notices = [m for m in bot_messages if m.buttons]
    assert len(notices) == 19, "20 a minute, one of which was the reply to /protect"

    untold = [v for v in crowd if not notices_for(stage.group, stage.bot, v)]
    assert len(untold) == 11

    await stage.pass_time(60)
    batches = [m for m in stage.group.messages() if m.buttons][19:]
    assert len(batches) == 2, "the rest are told together, ten to a notice"
    assert all(any(v.first_name in b.text for b in batches) for v in untold)

    late = untold[-1]
    batch = next(b for b in batches if late.first_name in b.text)
    late.join(stage.news)
    await stage.settle()
    query = await late.press(batch)
    assert query.answered and stage.group.can_write(late)


async def test_every_way_of_arriving_is_checked_at_once(stage: Stage) -> None:
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    await stage.start()
    await protect(stage, stage.news)
    added, by_link, unseen = stage.user("Added"), stage.user("Linked"), stage.user("Unseen")

    stage.carol.add(stage.group, added)
    by_link.join_by_link(stage.group)
    unseen.join(stage.group, quietly=True)  # large groups show no join message
    await stage.settle()

    for newcomer in (added, by_link, unseen):
        assert stage.group.is_member(newcomer)
        assert not stage.group.can_write(newcomer), newcomer
        assert len(notices_for(stage.group, stage.bot, newcomer)) == 1, newcomer
