"""Admins keep a record they can read: a line in a channel of theirs for each thing the bot does."""

from __future__ import annotations

from gatekeeper.sim import SimChat
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, say


async def with_log(stage: Stage, members: list | None = None) -> SimChat:  # type: ignore[type-arg]
    """A guarded group whose admins set @modlog (the bot may post there) as its log."""
    log = stage.sim.create_channel("Mod log", owner=stage.carol, username="modlog")
    stage.make_admin(log)
    await guarded(stage, members)
    await say(stage, stage.carol, stage.group, "/logchannel @modlog")
    assert "I will log" in last_reply(stage.group, stage.bot)
    return log


def lines(log: SimChat) -> list[str]:
    return [line for message in log.messages() for line in message.text.splitlines()]


async def flush(stage: Stage) -> None:
    await stage.pass_time(5)


async def test_the_log_says_who_was_muted_and_released_and_who_changed_what(
    stage: Stage,
) -> None:
    log = await with_log(stage)

    await say(stage, stage.alice, stage.group, "hello")
    stage.alice.join(stage.news)
    await stage.settle()
    await say(stage, stage.carol, stage.group, "/settings notice 5m")
    await flush(stage)

    text = "\n".join(lines(log))
    assert "From now on I log here what I do in" in text and "Coffee chat" in text
    assert "set this log channel" in text and "Carol" in text
    assert "muted \u2068Alice" in text and "@news" in text
    assert "deleted a message from \u2068Alice" in text
    assert "released \u2068Alice" in text
    assert "changed a setting: notice 5m" in text
    order = [
        next(i for i, line in enumerate(lines(log)) if word in line)
        for word in ("muted", "released", "changed a setting")
    ]
    assert order == sorted(order), "in the order things happened"


async def test_a_channel_the_bot_cannot_post_in_is_refused_with_a_way_out(stage: Stage) -> None:
    log = stage.sim.create_channel("Mod log", owner=stage.carol, username="modlog")
    await guarded(stage)

    await say(stage, stage.carol, stage.group, "/logchannel @modlog")
    refused = last_reply(stage.group, stage.bot)
    log.promote(stage.bot, by=stage.carol, ban_users=True)  # an admin, but may not post
    await say(stage, stage.carol, stage.group, "/logchannel @modlog")
    still = last_reply(stage.group, stage.bot)
    log.promote(stage.bot, by=stage.carol, post_messages=True)
    await say(stage, stage.carol, stage.group, "/logchannel @modlog")

    assert "add me to it as an admin" in refused or "cannot post" in refused
    assert "cannot post there" in still and "post messages" in still
    assert "I will log" in last_reply(stage.group, stage.bot)
    assert log.messages(), "the first line proves it"


async def test_bad_names_get_clear_answers(stage: Stage) -> None:
    await guarded(stage)

    answers = []
    for args in ("", "@nosuchchannel", "@alice", "banana", "https://t.me/+abcdef", "a b"):
        await say(stage, stage.carol, stage.group, f"/logchannel {args}".strip())
        answers.append(last_reply(stage.group, stage.bot))
        await stage.pass_time(15)  # within the commands' rate limit
    await say(stage, stage.carol, stage.group, f"/logchannel {stage.group.peer_id}")
    answers.append(last_reply(stage.group, stage.bot))

    usage, unknown, person, nonsense, invite, two, itself = answers
    assert "/logchannel @channel" in usage and "/logchannel off" in usage
    assert "nosuchchannel" in unknown and "Check the name" in unknown
    assert "person" in person and "name a channel" in person
    assert "banana" in nonsense
    assert "invite links" in invite
    assert "/logchannel @channel" in two
    assert "this group itself" in itself


async def test_off_stops_the_log_and_the_choice_survives_a_restart(stage: Stage) -> None:
    log = await with_log(stage, [stage.alice, stage.bob])
    await stage.restart()

    await say(stage, stage.alice, stage.group, "hello")
    await flush(stage)
    assert any("muted \u2068Alice" in line for line in lines(log)), "still on after a restart"

    await say(stage, stage.carol, stage.group, "/logchannel off")
    assert "Log channel off" in last_reply(stage.group, stage.bot)
    await say(stage, stage.bob, stage.group, "hi")
    await flush(stage)
    text = "\n".join(lines(log))
    assert "turned this log off" in text
    assert "Bob" not in text
    await say(stage, stage.carol, stage.group, "/logchannel off")
    assert "No log channel is set" in last_reply(stage.group, stage.bot)


async def test_many_actions_at_once_go_in_few_messages_within_the_channel_s_budget(
    stage: Stage,
) -> None:
    crowd = [stage.user(f"Member {n}") for n in range(40)]
    log = await with_log(stage, crowd)
    await flush(stage)
    before = len(log.messages())

    for member in crowd:
        member.send(stage.group, "hello")
    await stage.settle()
    await flush(stage)
    sent_in_a_minute = len(log.messages()) - before
    for _ in range(12):
        await stage.pass_time(5)

    text = "\n".join(lines(log))
    assert all(f"muted \u2068Member {n} " in text for n in range(40)), "every mute has its line"
    assert sent_in_a_minute <= 20, "Telegram's budget for one chat"
    assert len(log.messages()) - before < 80 / 4, "batched, not a message per line"


async def test_links_broken_and_healed_and_observe_mode_are_logged(stage: Stage) -> None:
    log = await with_log(stage)
    await say(stage, stage.carol, stage.group, "/settings mode observe")
    await say(stage, stage.alice, stage.group, "hello")

    stage.news.demote(stage.bot, by=stage.carol)
    await stage.settle()
    stage.make_admin(stage.news)
    await stage.settle()
    await flush(stage)

    text = "\n".join(lines(log))
    assert "would have muted \u2068Alice" in text
    assert "link broken" in text and "@news" in text
    assert "link healed" in text
    assert "changed a setting: mode observe" in text
