"""Admins choose the rules: any channel or all of them, delete-only, removal after a time."""

from __future__ import annotations

from sqlalchemy import text

from gatekeeper.sim import SimChat, SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, protect, say


async def guarded_by_two(stage: Stage, *settings: str) -> SimChat:
    """The group requires @news and @talks (the bot admin of both), with these settings."""
    channel = stage.sim.create_channel("Talks", owner=stage.carol, username="talks")
    stage.make_admin(channel)
    await guarded(stage)
    await protect(stage, channel)
    for setting in settings:
        await say(stage, stage.carol, stage.group, f"/settings {setting}")
    return channel


async def ask(stage: Stage, command: str, who: SimUser | None = None) -> str:
    """Someone (Carol unless told) sends a command in the group; the bot's reply."""
    await say(stage, who or stage.carol, stage.group, command)
    return last_reply(stage.group, stage.bot)


async def audit(stage: Stage, action: str) -> list[int]:
    """The users of the audit entries with this action."""
    assert stage.app is not None
    async with stage.app.storage.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT user_id FROM audit WHERE action = :a ORDER BY id"), {"a": action}
        )
        return [row[0] for row in rows]


async def test_under_any_one_channel_is_enough_and_the_notice_says_so(stage: Stage) -> None:
    stage.bob.join(stage.group)
    second = await guarded_by_two(stage, "require any")
    stage.alice.join(second)
    assert "at least one channel" in last_reply(stage.group, stage.bot)

    kept = await say(stage, stage.alice, stage.group, "I only read Talks")
    gone = await say(stage, stage.bob, stage.group, "I read nothing")

    assert stage.group.message(kept.id) is not None and stage.group.can_write(stage.alice)
    assert stage.group.message(gone.id) is None and not stage.group.can_write(stage.bob)
    (notice,) = notices_for(stage.group, stage.bot, stage.bob)
    assert "at least one of" in notice.text and "@news" in notice.text and "@talks" in notice.text

    stage.bob.join(second)
    await stage.settle()
    assert stage.group.can_write(stage.bob), "one channel joined is enough"


async def test_under_any_a_press_while_subscribed_to_none_says_one_channel_is_enough(
    stage: Stage,
) -> None:
    stage.bob.join(stage.group)
    await guarded_by_two(stage, "require any")
    await say(stage, stage.bob, stage.group, "I read nothing")
    (notice,) = notices_for(stage.group, stage.bot, stage.bob)

    query = await stage.bob.press(notice)
    await stage.settle()

    assert query.alert and not stage.group.can_write(stage.bob)
    text = query.answer_text or ""
    assert "one of" in text and "is enough" in text and "@news" in text and "@talks" in text


async def test_under_any_leaving_one_channel_mutes_only_when_none_is_left(stage: Stage) -> None:
    stage.alice.join(stage.news)
    second = await guarded_by_two(stage, "require any")
    stage.alice.join(second)
    await say(stage, stage.alice, stage.group, "hello")

    stage.alice.leave(stage.news)
    await stage.settle()
    assert stage.group.can_write(stage.alice), "still in Talks"
    assert notices_for(stage.group, stage.bot, stage.alice) == []

    stage.alice.leave(second)
    await stage.settle()
    assert not stage.group.can_write(stage.alice), "no required channel left"
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_under_all_leaving_one_of_two_channels_mutes(stage: Stage) -> None:
    stage.alice.join(stage.news)
    second = await guarded_by_two(stage)
    stage.alice.join(second)
    await stage.settle()

    stage.alice.leave(second)
    await stage.settle()

    assert not stage.group.can_write(stage.alice)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert "@talks" in notice.text and "at least one" not in notice.text


async def test_settings_and_status_show_the_rules_chosen(stage: Stage) -> None:
    await guarded(stage)
    before = await ask(stage, "/settings")
    saved = await ask(stage, "/settings kick 24h")
    refused = await ask(stage, "/settings require most")
    status = await ask(stage, "/status")

    assert "every channel" in before and "removal of members I muted" in before
    assert "Saved" in saved and "after 24h muted by me" in saved
    assert "require must be all" in refused
    assert "every channel" in status and "after 24h" in status


async def test_delete_only_takes_the_message_and_tells_but_mutes_nobody(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings action delete-only")
    assert "delete only" in last_reply(stage.group, stage.bot)

    message = await say(stage, stage.alice, stage.group, "hello")

    assert stage.group.message(message.id) is None, "the message is gone"
    assert stage.group.can_write(stage.alice), "nobody is muted"
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    admins_word = await say(stage, stage.carol, stage.group, "an admin speaks")
    assert stage.group.message(admins_word.id) is not None


async def test_today_s_action_names_still_work(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings action delete")
    assert "delete the message and mute" in last_reply(stage.group, stage.bot)

    message = await say(stage, stage.alice, stage.group, "hello")

    assert stage.group.message(message.id) is None
    assert not stage.group.can_write(stage.alice)


async def test_a_member_muted_for_the_kick_time_is_removed_and_may_come_back(
    stage: Stage,
) -> None:
    stage.bob.join(stage.group)
    await guarded(stage, [stage.alice, stage.bob])
    await say(stage, stage.carol, stage.group, "/settings kick 24h")
    await say(stage, stage.alice, stage.group, "hello")
    stage.carol.restrict(stage.group, stage.bob, send_messages=True)  # an admin's own mute
    assert not stage.group.can_write(stage.alice)

    await stage.pass_time(23 * 3600)
    assert stage.group.is_member(stage.alice), "not yet"
    await stage.pass_time(3600)

    assert not stage.group.is_member(stage.alice), "removed"
    assert stage.group.is_member(stage.bob), "the bot removes only whom it muted"
    assert await audit(stage, "kick") == [stage.alice.id]
    assert notices_for(stage.group, stage.bot, stage.alice) == []

    stage.alice.join(stage.news)
    stage.alice.join(stage.group)
    await stage.settle()
    message = await say(stage, stage.alice, stage.group, "back, and subscribed")
    assert stage.group.message(message.id) is not None, "not banned: she came back and writes"


async def test_removal_is_off_by_default(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hello")

    await stage.pass_time(10 * 24 * 3600)

    assert stage.group.is_member(stage.alice) and not stage.group.can_write(stage.alice)


async def test_warnings_first_then_the_mute_and_the_count_survives_a_restart(
    stage: Stage,
) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings warn 2")
    assert "2 messages deleted with a notice before the mute" in last_reply(stage.group, stage.bot)

    first = await say(stage, stage.alice, stage.group, "one")
    assert stage.group.message(first.id) is None and stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    await stage.restart()
    second = await say(stage, stage.alice, stage.group, "two")
    assert stage.group.message(second.id) is None and stage.group.can_write(stage.alice)

    third = await say(stage, stage.alice, stage.group, "three")

    assert stage.group.message(third.id) is None
    assert not stage.group.can_write(stage.alice), "the mute comes after two warnings"


async def test_a_released_member_is_warned_afresh(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings warn 1")
    await say(stage, stage.alice, stage.group, "one")
    await say(stage, stage.alice, stage.group, "two")
    assert not stage.group.can_write(stage.alice)
    stage.alice.join(stage.news)
    await stage.settle()
    assert stage.group.can_write(stage.alice)

    stage.alice.leave(stage.news)
    await stage.settle()
    await stage.pass_time(61)  # a notice per member per minute
    await say(stage, stage.alice, stage.group, "three")

    assert stage.group.can_write(stage.alice), "one warning again before a mute"


async def test_on_leave_next_message_leaves_a_leaver_alone_until_they_write(
    stage: Stage,
) -> None:
    stage.alice.join(stage.news)
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings on-leave next-message")
    assert "they meet the gate when they next write" in last_reply(stage.group, stage.bot)
    await say(stage, stage.alice, stage.group, "subscribed")

    stage.alice.leave(stage.news)
    await stage.settle()
    assert stage.group.can_write(stage.alice), "not muted at once"
    assert notices_for(stage.group, stage.bot, stage.alice) == [], "and not told"

    message = await say(stage, stage.alice, stage.group, "still here")

    assert stage.group.message(message.id) is None
    assert not stage.group.can_write(stage.alice)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1


async def test_an_allowed_member_is_released_at_once_and_writes_freely(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hello")
    assert not stage.group.can_write(stage.alice)

    await say(stage, stage.carol, stage.group, "/allow @alice")
    assert "lifted my mute" in last_reply(stage.group, stage.bot)
    assert stage.group.can_write(stage.alice), "released at once"
    message = await say(stage, stage.alice, stage.group, "thanks")
    assert stage.group.message(message.id) is not None
    await say(stage, stage.carol, stage.group, "/allowed")
    assert "@alice" in last_reply(stage.group, stage.bot)
    await say(stage, stage.carol, stage.group, "/status")
    assert "Exceptions (/allowed): 1" in last_reply(stage.group, stage.bot)
    await stage.restart()
    kept = await say(stage, stage.alice, stage.group, "after a restart")
    assert stage.group.message(kept.id) is not None, "the exception is kept"

    await say(stage, stage.carol, stage.group, "/disallow @alice")
    assert "must join the channels again" in last_reply(stage.group, stage.bot)
    gone = await say(stage, stage.alice, stage.group, "and now?")

    assert stage.group.message(gone.id) is None
    assert not stage.group.can_write(stage.alice)


async def test_allow_as_a_reply_exempts_the_author_of_that_message(stage: Stage) -> None:
    stage.bob.join(stage.group)
    stage.bob.join(stage.news)
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings action mute")
    first = await say(stage, stage.alice, stage.group, "hello")
    assert not stage.group.can_write(stage.alice)

    stage.carol.send(stage.group, "/allow", reply_to=first.id)
    await stage.settle()

    assert stage.group.can_write(stage.alice)
    assert "@alice may write here" in last_reply(stage.group, stage.bot)


async def test_exceptions_refuse_nonsense_and_are_for_admins_only(stage: Stage) -> None:
    stage.bob.join(stage.group)
    stage.bob.join(stage.news)
    await guarded(stage, [stage.alice, stage.bob])

    no_one = await ask(stage, "/allow")
    unreadable = await ask(stage, "/allow alice!")
    not_allowed = await ask(stage, "/disallow @bob")
    refused = await ask(stage, "/allow @bob", stage.bob)

    assert "reply /allow to their message" in no_one
    assert "name a member as @username" in unreadable
    assert "@bob has no exception here" in not_allowed
    assert "Only this group's admins can use /allow" in refused


async def test_a_lenient_grace_lets_a_newcomer_write_and_gates_their_first_message_after_it(
    stage: Stage,
) -> None:
    await guarded(stage)
    assert "Saved" in await ask(stage, "/settings grace 10m")

    stage.bob.join(stage.group)
    await stage.settle()
    assert len(notices_for(stage.group, stage.bot, stage.bob)) == 1, "told at once"
    kept = await say(stage, stage.bob, stage.group, "hi, joining the channel soon")
    assert stage.group.message(kept.id) is not None and stage.group.can_write(stage.bob)

    await stage.pass_time(601)
    assert stage.group.can_write(stage.bob), "lenient: nothing happens until they write"
    gone = await say(stage, stage.bob, stage.group, "still not joined")

    assert stage.group.message(gone.id) is None
    assert not stage.group.can_write(stage.bob)


async def test_a_strict_grace_mutes_when_it_ends_even_across_a_restart(stage: Stage) -> None:
    await guarded(stage)
    await ask(stage, "/settings grace 10m")
    shown = await ask(stage, "/settings grace strict")
    assert "10m for newcomers, strict: muted when it ends if still not joined" in shown

    stage.bob.join(stage.group)
    await stage.settle()
    await stage.pass_time(300)
    assert stage.group.can_write(stage.bob)
    await stage.restart()
    await stage.pass_time(301)

    assert not stage.group.can_write(stage.bob), "muted when the grace ran out"
    assert "grace 10m strict" in await ask(stage, "/status")


async def test_a_newcomer_who_joins_within_the_grace_is_never_muted(stage: Stage) -> None:
    await guarded(stage)
    await ask(stage, "/settings grace 10m")
    await ask(stage, "/settings grace strict")
    stage.bob.join(stage.group)
    await stage.settle()

    stage.bob.join(stage.news)
    await stage.pass_time(601)

    assert stage.group.can_write(stage.bob)
    message = await say(stage, stage.bob, stage.group, "subscribed in time")
    assert stage.group.message(message.id) is not None
