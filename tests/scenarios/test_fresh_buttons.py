"""Join buttons follow the channel: a new username, a username given up, a revoked link."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import button_urls, guarded, notices_for, protect, say


async def notice_urls(stage: Stage, text: str) -> list[str]:
    member = stage.user("Newcomer")
    member.join(stage.group)
    await say(stage, member, stage.group, text)
    (notice,) = notices_for(stage.group, stage.bot, member)
    return button_urls(notice)


async def test_a_renamed_channel_gets_its_new_username_on_the_button(stage: Stage) -> None:
    await guarded(stage, members=())

    stage.news.rename(stage.carol, title="Daily news", username="dailynews")
    await stage.settle()

    assert await notice_urls(stage, "hi") == ["https://t.me/dailynews"]


async def test_a_username_given_up_is_never_on_a_button_an_invite_link_is(stage: Stage) -> None:
    await guarded(stage, members=())

    stage.news.rename(stage.carol, username=None)
    await stage.settle()
    stage.sim.create_channel("Squatter", owner=stage.bob, username="news")  # taken by another

    (url,) = await notice_urls(stage, "hi")
    assert url.startswith("https://t.me/+") and url in stage.news.invite_links()
    stage.alice.join_by_link(stage.news, url)
    assert stage.news.is_member(stage.alice)


async def test_a_revoked_invite_link_is_replaced_within_a_day(stage: Stage) -> None:
    private = stage.sim.create_channel("Insiders", owner=stage.carol)
    stage.make_admin(private)
    stage.make_admin(stage.group)
    await stage.start()
    await protect(stage, private)
    (old,) = await notice_urls(stage, "first")
    private.revoke_invite(old, by=stage.carol)

    await stage.pass_time(86_400)

    (new,) = await notice_urls(stage, "second")
    assert new != old and new in private.invite_links()
    stage.alice.join_by_link(private, new)
    assert private.is_member(stage.alice)
