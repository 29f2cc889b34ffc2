"""A muted member asks the bot privately where they are muted, and frees themselves."""

from __future__ import annotations

from gatekeeper.domain.callbacks import encode_verify
from gatekeeper.domain.self_help import CHECK_ALL
from gatekeeper.sim import SimChat, SimMessage, SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import button_urls, guarded, notices_for, say


async def muted_in_two_groups(stage: Stage) -> tuple[SimChat, SimChat]:
    """Alice is muted in Coffee chat (for @news) and in Book club (for @talks)."""
    talks = stage.sim.create_channel("Talks", owner=stage.carol, username="talks")
    club = stage.sim.create_supergroup("Book club", owner=stage.carol)
    stage.make_admin(talks)
    stage.make_admin(club)
    stage.alice.join(club)
    await guarded(stage)
    await say(stage, stage.carol, club, "/protect @talks")
    await say(stage, stage.alice, stage.group, "hi")
    await say(stage, stage.alice, club, "hello")
    assert not stage.group.can_write(stage.alice) and not club.can_write(stage.alice)
    return club, talks


async def ask(stage: Stage, who: SimUser, text: str) -> SimMessage:
    await stage.pass_time(6)  # one private reply per user every few seconds
    who.start_private(stage.bot, text)
    await stage.settle()
    return who.private_messages_from(stage.bot)[-1]


async def test_a_muted_member_sees_where_and_for_which_channels(stage: Stage) -> None:
    await muted_in_two_groups(stage)

    view = await ask(stage, stage.alice, "/start")

    assert "Coffee chat" in view.text and "@news" in view.text
    assert "Book club" in view.text and "@talks" in view.text
    assert sorted(button_urls(view)) == ["https://t.me/news", "https://t.me/talks"]
    checks = [b for row in view.buttons for b in row if b.kind == "callback"]
    assert [b.data for b in checks] == [CHECK_ALL], "one button re-checks them all"
    assert (await ask(stage, stage.alice, "/status")).text == view.text


async def test_one_press_releases_where_satisfied_and_says_what_is_left(stage: Stage) -> None:
    club, talks = await muted_in_two_groups(stage)
    view = await ask(stage, stage.alice, "/start")
    with stage.updates_lost():  # the bot must find out by checking
        stage.alice.join(stage.news)

    query = await stage.alice.press(view, CHECK_ALL)

    assert stage.group.can_write(stage.alice) and not club.can_write(stage.alice)
    assert query.answer_text is not None
    assert "Coffee chat" in query.answer_text and "@talks" in query.answer_text
    updated = stage.alice.private_messages_from(stage.bot)[-1]
    assert "Book club" in updated.text and "Coffee chat" not in updated.text, "edited in place"
    assert notices_for(stage.group, stage.bot, stage.alice) == [], "her notice is gone"

    with stage.updates_lost():
        stage.alice.join(talks)
    await stage.pass_time(6)
    await stage.alice.press(updated, CHECK_ALL)
    assert club.can_write(stage.alice)
    assert "not muted" in stage.alice.private_messages_from(stage.bot)[-1].text


async def test_the_notice_links_to_the_view_which_is_only_ever_the_presser_s_own(
    stage: Stage,
) -> None:
    await guarded(stage, [stage.alice, stage.bob])
    stage.bob.join(stage.news)
    await say(stage, stage.alice, stage.group, "hi")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    (link,) = [e.url for e in notice.links if "?start=" in e.url]
    assert link.startswith("https://t.me/gatekeeper_bot?start=")
    payload = link.split("?start=")[1]
    assert str(stage.alice.id) not in payload, "the link names nobody"

    bob_sees = await ask(stage, stage.bob, f"/start {payload}")
    alice_sees = await ask(stage, stage.alice, f"/start {payload}")

    assert "not muted" in bob_sees.text and "Coffee chat" not in bob_sees.text
    assert "Coffee chat" in alice_sees.text and "@news" in alice_sees.text


async def test_a_member_who_is_free_is_told_so_and_presses_change_nothing(stage: Stage) -> None:
    await guarded(stage, [stage.alice, stage.bob])
    await say(stage, stage.alice, stage.group, "hi")
    view = await ask(stage, stage.bob, "/status")
    assert "not muted" in view.text

    query = await stage.bob.press(view, CHECK_ALL)
    forged = await stage.bob.press(view, encode_verify(stage.alice.id))

    assert "not muted" in (query.answer_text or "")
    assert forged.answered and not stage.group.can_write(stage.alice), "nobody else is touched"
