"""An admin writes the group's own notice: kept across restarts, checked before it is kept,
and undone with reset."""

from __future__ import annotations

from gatekeeper.domain.mentions import FSI, PDI
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, say

OWN = "<b>{name}</b>, {group} is for readers of {channels}.\nJoin them, then press the button!"


async def test_the_groups_own_notice_names_the_member_and_survives_a_restart(
    stage: Stage,
) -> None:
    await guarded(stage, [stage.alice, stage.bob])

    await say(stage, stage.carol, stage.group, f"/settings notice-text {OWN}")
    assert last_reply(stage.group, stage.bot) == f"Saved.\nThe group's notice is now:\n{OWN}"
    await stage.restart()
    await say(stage, stage.alice, stage.group, "hi")

    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert notice.text == (
        f"{FSI}Alice{PDI}, {FSI}Coffee chat{PDI} is for readers of {FSI}@news{PDI}.\n"
        "Join them, then press the button!"
    )
    labels = [button.text for row in notice.buttons for button in row]
    assert labels == [f"Join {FSI}News{PDI}", "✅ I have joined"]

    await say(stage, stage.carol, stage.group, "/settings notice-text reset")
    await say(stage, stage.bob, stage.group, "hello")
    (standard,) = notices_for(stage.group, stage.bot, stage.bob)
    assert standard.text.endswith(
        "Join, then press I have joined to write here.\n💬 Why can't I write? Ask me in private"
    ), "the standard notice, with the link to the member's own view"


async def test_a_notice_text_telegram_would_refuse_is_not_kept(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings notice-text {name}: join {channels}")

    for typed, answer in (
        ("{name} <blink>now</blink>", "Telegram does not know the tag <blink>"),
        ("{name}, join {chanels}", "{chanels} is not a placeholder I know"),
        ("{name} " + "x" * 3600, "The notice text is too long"),
        ("join {channels}", "The notice must name the member"),
    ):
        await say(stage, stage.carol, stage.group, f"/settings notice-text {typed}")
        assert answer in last_reply(stage.group, stage.bot)

    await say(stage, stage.alice, stage.group, "hi")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert notice.text == f"{FSI}Alice{PDI}: join {FSI}@news{PDI}", "the last good text stands"
