"""A group with topics: the bot answers where people wrote, and General gets only its own."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.forum import forum
from tests.scenarios.helpers import notices_for


async def test_a_notice_goes_to_the_topic_where_the_member_wrote(stage: Stage) -> None:
    books, games = await forum(stage)

    stage.alice.send(stage.group, "hello books", reply_to=books)
    await stage.settle()

    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert notice.topic == books
    assert stage.group.topic_messages(games) == []
    assert notices_for(stage.group, stage.bot, stage.alice) == [
        m for m in stage.group.topic_messages(books) if m.sender_user_id == stage.bot.id
    ]


async def test_a_reply_deeper_in_a_topic_is_answered_in_that_topic(stage: Stage) -> None:
    books, _ = await forum(stage)
    stage.bob.join(stage.news)
    question = stage.bob.send(stage.group, "which book?", reply_to=books)

    stage.alice.send(stage.group, "this one", reply_to=question.id)
    await stage.settle()

    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert notice.topic == books


async def test_commands_answer_in_their_topic_and_general_stays_quiet(stage: Stage) -> None:
    books, games = await forum(stage)
    general_before = [m.id for m in stage.group.topic_messages(None)]

    stage.carol.send(stage.group, "/status", reply_to=games)
    await stage.settle()
    stage.bob.join(stage.news)
    stage.bob.send(stage.group, "/status", reply_to=books)  # a member: refused, in Books
    await stage.settle()

    (answer,) = [m for m in stage.group.topic_messages(games) if m.sender_user_id == stage.bot.id]
    assert "Protection: on" in answer.text
    assert any("Only this group's admins" in m.text for m in stage.group.topic_messages(books))
    general_now = [m.id for m in stage.group.topic_messages(None)]
    assert general_now == general_before, "nothing landed in General"


async def test_in_general_the_notice_stays_in_general(stage: Stage) -> None:
    books, _ = await forum(stage)

    stage.alice.send(stage.group, "hi all")
    await stage.settle()

    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert notice.topic is None
    assert stage.group.topic_messages(books) == []
