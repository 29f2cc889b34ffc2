"""What the bot sends stays within Telegram's limits, and no name can break a notice."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import notices_for, protect, say

FSI, PDI = "\u2068", "\u2069"


async def test_a_name_full_of_markup_and_direction_marks_is_shown_as_it_is(stage: Stage) -> None:
    name = "__Zed__ *bold* `code` [x](tg://user?id=1) <b>&amp; \u202eevil"
    zed = stage.sim.create_user(name)
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    zed.join(stage.group)
    await stage.start()
    await protect(stage, stage.news)

    await say(stage, zed, stage.group, "hello")

    (notice,) = notices_for(stage.group, stage.bot, zed)
    shown = name.replace("\u202e", "")  # a stray override could reorder the text after it
    assert notice.text.startswith(f"{FSI}{shown}{PDI}, this chat is for subscribers of ")
    assert notice.text.endswith(
        "Join, then press I have joined to write here.\n💬 Why can't I write? Ask me in private"
    ), "and the link to the member's own view in private"


async def test_a_long_list_of_missing_channels_is_counted_in_the_buttons_answer(
    stage: Stage,
) -> None:
    channels = [
        stage.sim.create_channel(
            f"Channel number {i} " + "with a very long title " * 4, stage.carol
        )
        for i in range(5)
    ]
    stage.make_admin(stage.group)
    for channel in channels:
        stage.make_admin(channel)
    stage.alice.join(stage.group)
    await stage.start()
    await protect(stage, *channels)
    await say(stage, stage.alice, stage.group, "hi")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    query = await stage.alice.press(notice)

    assert query.answered and query.answer_text is not None
    assert len(query.answer_text) <= 200
    assert query.answer_text.startswith("Not yet: please join Channel number 0")
    assert " more, then press again." in query.answer_text
    assert len(notice.text) <= 4096
    assert not stage.group.can_write(stage.alice)
