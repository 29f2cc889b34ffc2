"""Admins configure their groups from a private panel; the group stays free of that traffic."""

from __future__ import annotations

from gatekeeper.domain.panel import Do, encode
from gatekeeper.sim import SimButton, SimMessage, SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, say


async def ask(stage: Stage, who: SimUser, text: str) -> SimMessage:
    await stage.pass_time(6)  # one private reply per user every few seconds
    who.start_private(stage.bot, text)
    await stage.settle()
    return who.private_messages_from(stage.bot)[-1]


def button(message: SimMessage, starting: str) -> SimButton:
    found = [b for row in message.buttons for b in row if b.text.startswith(starting)]
    assert found, f"no button {starting!r} in {[b.text for r in message.buttons for b in r]}"
    return found[0]


async def press(stage: Stage, who: SimUser, message: SimMessage, starting: str) -> SimMessage:
    query = await who.press(message, button(message, starting).data)
    assert query.answered
    return who.private_messages_from(stage.bot)[-1]


def rules(stage: Stage):  # type: ignore[no-untyped-def]
    assert stage.app is not None
    return stage.app.registry.rules[stage.group.peer_id]


async def test_protect_offers_the_panel_which_shows_and_changes_the_group(stage: Stage) -> None:
    reply = await guarded(stage)
    protect_reply = [m for m in stage.group.messages() if m.text == reply][-1]
    assert "https://t.me/gatekeeper_bot?start=settings" in protect_reply.text

    panel = await ask(stage, stage.carol, "/start settings")
    assert "Coffee chat" in panel.text and "@news" in panel.text, "the status, at once"
    panel = await press(stage, stage.carol, panel, "Mode: enforce")

    assert rules(stage).observing
    assert button(panel, "Mode: observe")
    assert "Observe mode" in panel.text
    panel = await press(stage, stage.carol, panel, "Members must join: all")
    panel = await press(stage, stage.carol, panel, "Notice lasts: 2m")
    settings = rules(stage).settings
    assert (settings.require.value, settings.notice_ttl) == ("any", 300)
    await say(stage, stage.carol, stage.group, "/settings")
    assert "at least one channel" in last_reply(stage.group, stage.bot), "the same settings"


async def test_an_admin_of_two_groups_picks_one(stage: Stage) -> None:
    club = stage.sim.create_supergroup("Book club", owner=stage.carol)
    stage.make_admin(club)
    await guarded(stage)
    await say(stage, stage.carol, club, "/protect @news")

    panel = await ask(stage, stage.carol, "/settings")
    assert [b.text for row in panel.buttons for b in row] == ["Book club", "Coffee chat"]
    panel = await press(stage, stage.carol, panel, "Book club")
    assert "Book club" in panel.text
    panel = await press(stage, stage.carol, panel, "« My groups")
    assert button(panel, "Coffee chat")


async def test_channels_log_and_protection_from_the_panel(stage: Stage) -> None:
    talks = stage.sim.create_channel("Talks", owner=stage.carol, username="talks")
    log = stage.sim.create_channel("Mod log", owner=stage.carol, username="modlog")
    stage.make_admin(talks)
    stage.make_admin(log)
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")
    panel = await ask(stage, stage.carol, "/settings")

    asked = await press(stage, stage.carol, panel, "➕ Require a channel")
    assert "@username" in asked.text
    panel = await ask(stage, stage.carol, "@talks")
    assert "✅ @talks" in panel.text and button(panel, "✖ Unlink @talks")
    panel = await press(stage, stage.carol, panel, "✖ Unlink @news")
    assert [link.channel.username for link in rules(stage).links] == ["talks"]

    await press(stage, stage.carol, panel, "📒 Set a log channel")
    panel = await ask(stage, stage.carol, "@modlog")
    assert rules(stage).log_channel_id == log.peer_id and button(panel, "📒 Log channel off")

    panel = await press(stage, stage.carol, panel, "⏻ Turn protection off")
    assert not rules(stage).protected and stage.group.can_write(stage.alice)
    panel = await press(stage, stage.carol, panel, "🛡 Turn protection on")
    assert rules(stage).protected


async def test_a_member_cannot_use_the_panel_even_with_made_up_buttons(stage: Stage) -> None:
    await guarded(stage)
    mine = await ask(stage, stage.alice, "/settings")
    assert "no group" in mine.text

    for data in (
        encode(Do.CYCLE, stage.group.peer_id, "mode"),
        encode(Do.OFF, stage.group.peer_id),
        encode(Do.OPEN, stage.group.peer_id),
        b"gk1:p:s:-100123:mode;drop",
        b"\xff" * 64,
    ):
        await stage.pass_time(5)
        query = await stage.alice.press(mine, data)
        assert query.answered

    assert not rules(stage).observing and rules(stage).protected, "nothing changed"
    assert "Coffee chat" not in stage.alice.private_messages_from(stage.bot)[-1].text


async def test_every_press_asks_telegram_whether_the_presser_is_still_an_admin(
    stage: Stage,
) -> None:
    dave = stage.user("Dave")
    dave.join(stage.group)
    await guarded(stage)
    stage.group.promote(dave, by=stage.carol, ban_users=True)
    await stage.settle()
    panel = await ask(stage, dave, "/settings")
    assert "Coffee chat" in panel.text

    stage.group.demote(dave, by=stage.carol)
    await stage.settle()
    query = await dave.press(panel, button(panel, "Mode: enforce").data)

    assert "not an admin" in (query.answer_text or "")
    assert not rules(stage).observing
