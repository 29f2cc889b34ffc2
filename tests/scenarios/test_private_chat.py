"""A newcomer opens a private chat with the bot and learns how to set it up."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage


async def test_start_in_private_explains_the_setup_step_by_step(stage: Stage) -> None:
    await stage.start()

    stage.alice.start_private(stage.bot, "/start")
    await stage.settle()

    replies = stage.alice.private_messages_from(stage.bot)
    assert len(replies) == 1
    text = replies[0].text
    for must_mention in ("admin", "/protect", "/status", "/settings", "/unprotect", "ban users"):
        assert must_mention in text


async def test_help_gives_the_same_guide_and_other_texts_get_a_pointer(stage: Stage) -> None:
    await stage.start()

    stage.alice.start_private(stage.bot, "/help")
    await stage.settle()
    await stage.pass_time(6)
    stage.alice.start_private(stage.bot, "what do you do?")
    await stage.settle()

    help_text, pointer = (m.text for m in stage.alice.private_messages_from(stage.bot))
    assert "/protect @channel" in help_text
    assert "/help" in pointer and len(pointer) < 100


async def test_someone_spamming_the_bot_privately_gets_one_reply_every_few_seconds(
    stage: Stage,
) -> None:
    await stage.start()
    sent_before = stage.sim.requests["SendMessageRequest"]

    for _ in range(30):
        stage.alice.start_private(stage.bot, "/help")
    await stage.settle()
    assert len(stage.alice.private_messages_from(stage.bot)) == 1

    await stage.pass_time(6)
    stage.alice.start_private(stage.bot, "/help")
    stage.bob.start_private(stage.bot, "/help")
    await stage.settle()

    assert len(stage.alice.private_messages_from(stage.bot)) == 2
    assert len(stage.bob.private_messages_from(stage.bot)) == 1, "others are not held back"
    assert stage.sim.requests["SendMessageRequest"] - sent_before == 3
