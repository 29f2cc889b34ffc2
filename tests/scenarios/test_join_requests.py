"""A group that approves new members: the bot lets subscribers in at once and asks the others,
privately, to join the channels first."""

from __future__ import annotations

from structlog.testing import capture_logs

from gatekeeper.sim import SimMessage, SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import button_urls, guarded, last_reply, say
from tests.scenarios.test_gating_rules import audit


def asked(stage: Stage, who: SimUser) -> SimMessage:
    (message,) = who.private_messages_from(stage.bot)
    return message


async def press(stage: Stage, who: SimUser, message: SimMessage) -> str:
    query = await who.press(message)
    await stage.settle()
    assert query.answered
    return query.answer_text or ""


async def test_a_requester_already_subscribed_is_approved_at_once(stage: Stage) -> None:
    await guarded(stage)
    stage.bob.join(stage.news)

    stage.bob.request_join(stage.group)
    await stage.settle()

    assert stage.group.is_member(stage.bob) and stage.group.can_write(stage.bob)
    assert stage.group.join_requests() == []
    assert stage.bob.private_messages_from(stage.bot) == [], "nothing to ask him"
    assert await audit(stage, "join_approved") == [stage.bob.id]


async def test_a_requester_who_joins_the_channel_after_the_message_and_presses_is_let_in(
    stage: Stage,
) -> None:
    await guarded(stage)

    stage.bob.request_join(stage.group)
    await stage.settle()

    assert not stage.group.is_member(stage.bob), "nothing is approved yet"
    assert stage.group.join_requests() == [stage.bob.id], "and nothing declined"
    message = asked(stage, stage.bob)
    assert "Coffee chat" in message.text and "@news" in message.text
    assert button_urls(message) == ["https://t.me/news"]

    answer = await press(stage, stage.bob, message)
    assert "@news" in answer and not stage.group.is_member(stage.bob)

    stage.bob.join(stage.news)
    stage.clock.advance(10)
    answer = await press(stage, stage.bob, message)

    assert "approved" in answer
    assert stage.group.is_member(stage.bob) and stage.group.can_write(stage.bob)
    kept = await say(stage, stage.bob, stage.group, "hello all")
    assert stage.group.message(kept.id) is not None


async def test_a_requester_who_never_joins_is_left_for_the_admins(stage: Stage) -> None:
    await guarded(stage)

    stage.bob.request_join(stage.group)
    await stage.settle()
    await stage.pass_time(30 * 86400)

    assert stage.group.join_requests() == [stage.bob.id], "neither approved nor declined"
    stage.carol.approve_join(stage.group, stage.bob)  # the admins may still decide
    await stage.settle()
    assert stage.group.is_member(stage.bob)


async def test_with_decline_set_an_unfinished_request_is_declined_after_that_time(
    stage: Stage,
) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings decline 1h")

    stage.bob.request_join(stage.group)
    await stage.settle()
    await stage.pass_time(3000)
    assert stage.group.join_requests() == [stage.bob.id], "not yet"

    await stage.pass_time(700)

    assert stage.group.join_requests() == [] and not stage.group.is_member(stage.bob)
    assert await audit(stage, "join_declined") == [stage.bob.id]
    answer = await press(stage, stage.bob, asked(stage, stage.bob))
    assert "not pending" in answer


async def test_a_requester_who_blocked_the_bot_waits_for_the_admins_and_the_log_says_why(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.bob.block(stage.bot)

    with capture_logs() as logs:
        stage.bob.request_join(stage.group)
        await stage.settle()

    assert stage.group.join_requests() == [stage.bob.id]
    assert stage.bob.private_messages_from(stage.bot) == []
    (waits,) = [line for line in logs if line["event"] == "join_request_waits"]
    assert "blocked" in waits["reason"] and waits["user_id"] == stage.bob.id


async def test_a_request_seen_after_the_five_minutes_waits_and_the_log_says_why(
    stage: Stage,
) -> None:
    await guarded(stage)
    await stage.stop()
    stage.bob.request_join(stage.group)
    await stage.pass_time(600)  # Telegram lets a bot write to a requester for 5 minutes

    with capture_logs() as logs:
        await stage.start()

    assert stage.group.join_requests() == [stage.bob.id]
    assert stage.bob.private_messages_from(stage.bot) == []
    (waits,) = [line for line in logs if line["event"] == "join_request_waits"]
    assert "5 minutes" in waits["reason"]


async def test_an_admin_who_approves_by_hand_lets_in_a_newcomer_checked_like_any_other(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.bob.request_join(stage.group)
    await stage.settle()

    stage.carol.approve_join(stage.group, stage.bob)
    await stage.settle()

    assert stage.group.is_member(stage.bob)
    assert not stage.group.can_write(stage.bob), "not subscribed: muted as any newcomer"
    answer = await press(stage, stage.bob, asked(stage, stage.bob))
    assert "not pending" in answer


async def test_a_pending_request_survives_a_restart(stage: Stage) -> None:
    await guarded(stage)
    stage.bob.request_join(stage.group)
    await stage.settle()
    message = asked(stage, stage.bob)

    await stage.restart()
    stage.bob.join(stage.news)
    answer = await press(stage, stage.bob, message)

    assert "approved" in answer and stage.group.is_member(stage.bob)
    assert stage.group.can_write(stage.bob)


async def test_a_requester_in_too_many_chats_is_told_and_the_request_stays(stage: Stage) -> None:
    await guarded(stage)
    stage.bob.request_join(stage.group)
    await stage.settle()
    stage.bob.join(stage.news)
    stage.sim.world.channels_max = 1  # Bob is in as many groups and channels as Telegram allows

    answer = await press(stage, stage.bob, asked(stage, stage.bob))

    assert "too many" in answer
    assert stage.group.join_requests() == [stage.bob.id]


async def test_an_approval_telegram_makes_wait_is_made_once_the_wait_is_over(
    stage: Stage,
) -> None:
    await guarded(stage)
    stage.bob.join(stage.news)
    stage.sim.faults.flood_wait("HideChatJoinRequestRequest", 120)

    stage.bob.request_join(stage.group)
    await stage.settle()
    assert stage.group.join_requests() == [stage.bob.id], "Telegram said to wait"

    await stage.pass_time(125)

    assert stage.group.is_member(stage.bob) and stage.group.can_write(stage.bob)
    assert stage.bob.private_messages_from(stage.bot) == [], "a subscriber is never asked"


async def test_a_known_subscriber_s_request_costs_one_call_to_telegram(stage: Stage) -> None:
    await guarded(stage)
    stage.bob.join(stage.news)  # the bot, the channel's admin, is told: it knows he is in
    await stage.settle()
    before = stage.sim.requests.copy()

    stage.bob.request_join(stage.group)
    await stage.settle()

    assert dict(stage.sim.requests - before) == {"HideChatJoinRequestRequest": 1}
    assert stage.group.is_member(stage.bob)


def updates_counted(stage: Stage) -> dict[str, float]:
    assert stage.app is not None
    counted = {}
    for line in stage.app.metrics.render().decode().splitlines():
        if line.startswith("gatekeeper_updates_total{"):
            labels, value = line.rsplit(" ", 1)
            counted[labels.split('kind="')[1].split('"')[0]] = float(value)
    return counted


async def test_the_participant_update_that_ends_a_request_is_counted_once(stage: Stage) -> None:
    await guarded(stage)
    stage.bob.request_join(stage.group)
    await stage.settle()
    before = updates_counted(stage)

    stage.carol.approve_join(stage.group, stage.bob)  # Telegram says so in one update
    await stage.settle()

    after = updates_counted(stage)
    grown = {kind: after[kind] - before.get(kind, 0.0) for kind in after}
    # His arrival, then his mute (he is not subscribed): each update once, as what it is.
    assert {kind: n for kind, n in grown.items() if n} == {"participant": 2.0}


async def test_status_counts_the_join_requests_still_waiting(stage: Stage) -> None:
    await guarded(stage)
    dan = stage.sim.create_user("Dan")
    await say(stage, stage.carol, stage.group, "/status")
    assert "Join requests waiting" not in last_reply(stage.group, stage.bot), "none yet"

    stage.bob.request_join(stage.group)  # asked to subscribe first
    dan.request_join(stage.group)
    await stage.settle()
    await say(stage, stage.carol, stage.group, "/status")
    assert "Join requests waiting: 2" in last_reply(stage.group, stage.bot)

    stage.carol.approve_join(stage.group, stage.bob)
    await stage.settle()
    await say(stage, stage.carol, stage.group, "/status")
    assert "Join requests waiting: 1" in last_reply(stage.group, stage.bot)
