"""No way in: only the group's creator, admins who may ban and anonymous admins configure it,
commands for other bots are ignored, and nobody can press a button to act for someone else."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gatekeeper.domain.callbacks import encode_verify
from gatekeeper.sim import SimUser
from gatekeeper.sim.stage import Stage
from tests import snapshots
from tests.scenarios.helpers import guarded, last_reply, notices_for, protect, say


async def _ready_with_dave(stage: Stage, role: Callable[[Stage, SimUser], None]) -> SimUser:
    """The bot is admin of the group and @news; Alice, Bob and Dave are members; Dave has
    the role under test (given before the bot starts, so it is in the bot's memory)."""
    dave = stage.user("Dave")
    for member in (stage.alice, stage.bob, dave):
        member.join(stage.group)
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    role(stage, dave)
    await stage.start()
    return dave


def _member(stage: Stage, dave: SimUser) -> None:
    pass


def _admin_who_may_ban(stage: Stage, dave: SimUser) -> None:
    stage.group.promote(dave, by=stage.carol, ban_users=True)


def _admin_without_the_ban_right(stage: Stage, dave: SimUser) -> None:
    stage.group.promote(dave, by=stage.carol, delete_messages=True, pin_messages=True)


def _admin_of_the_channel_only(stage: Stage, dave: SimUser) -> None:
    stage.news.promote(dave, by=stage.carol)


ROLES = {
    "a member": (_member, False),
    "an admin who may ban": (_admin_who_may_ban, True),
    "an admin without the ban right": (_admin_without_the_ban_right, False),
    "an admin of the channel, not of the group": (_admin_of_the_channel_only, False),
}


@pytest.mark.parametrize("role", list(ROLES))
async def test_only_admins_who_may_ban_turn_protection_on(stage: Stage, role: str) -> None:
    give, may_configure = ROLES[role]
    dave = await _ready_with_dave(stage, give)
    dave.join(stage.news)  # so that his own message is never what the gate acts on
    await stage.settle()

    await say(stage, dave, stage.group, "/protect @news")
    hello = await say(stage, stage.bob, stage.group, "hello")  # Bob is not subscribed

    protected = stage.group.message(hello.id) is None and not stage.group.can_write(stage.bob)
    assert protected is may_configure


async def test_the_creator_and_anonymous_admins_configure(stage: Stage) -> None:
    await _ready_with_dave(stage, _member)

    stage.carol.send_anonymously(stage.group, "/protect @news")
    await stage.settle()
    await say(stage, stage.bob, stage.group, "hello")
    assert not stage.group.can_write(stage.bob), "an anonymous admin turned protection on"

    await say(stage, stage.carol, stage.group, "/unprotect")
    assert stage.group.can_write(stage.bob), "the creator turned it off"


async def test_an_admin_demoted_a_second_ago_configures_nothing(stage: Stage) -> None:
    dave = await _ready_with_dave(stage, _admin_who_may_ban)
    await protect(stage, stage.news)
    await say(stage, stage.alice, stage.group, "hi")  # Alice is muted
    dave.join(stage.news)  # so that only his standing decides, never the gate
    with stage.updates_lost():  # the bot never hears of the demotion
        stage.group.demote(dave, by=stage.carol)
    stage.clock.advance(1)
    rows = await snapshots.database(stage)

    for command in ("/unprotect", "/unlink @news", "/settings action mute", "/protect @news"):
        dave.send(stage.group, command)
    await stage.settle()

    assert await snapshots.database(stage) == rows, "nothing configured"
    assert not stage.group.can_write(stage.alice), "Alice stays muted"
    assert "Only this group's admins" in last_reply(stage.group, stage.bot)


async def test_a_demoted_admin_meets_the_gate_once_telegram_has_said_so(stage: Stage) -> None:
    dave = await _ready_with_dave(stage, _admin_who_may_ban)
    await protect(stage, stage.news)
    with stage.updates_lost():
        stage.group.demote(dave, by=stage.carol)

    await say(stage, dave, stage.group, "/status")  # refused: Telegram says he is no admin
    await stage.pass_time(61)
    spoken = await say(stage, dave, stage.group, "still the boss?")

    assert stage.group.message(spoken.id) is None
    assert not stage.group.can_write(dave), "he has not joined @news"


async def test_commands_addressed_to_another_bot_change_nothing(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hi")  # Alice is muted
    rows = await snapshots.database(stage)
    replies = snapshots.bot_messages(stage)

    for command in ("/unprotect@other_bot", "/settings@OtherBot action mute", "/status@x_bot"):
        await say(stage, stage.carol, stage.group, command)

    assert snapshots.bot_messages(stage) == replies, "no answer to another bot's commands"
    assert await snapshots.database(stage) == rows
    assert not stage.group.can_write(stage.alice)

    await say(stage, stage.carol, stage.group, "/unprotect@GateKeeper_Bot")
    assert stage.group.can_write(stage.alice), "our own @name, in any case, is obeyed"


async def _alice_and_bob_muted(stage: Stage) -> None:
    await guarded(stage, [stage.alice, stage.bob])
    await say(stage, stage.alice, stage.group, "hi")
    await say(stage, stage.bob, stage.group, "hi")
    assert not stage.group.can_write(stage.alice) and not stage.group.can_write(stage.bob)


@pytest.mark.parametrize("forged", [None, "alice", "zero", "bob"])
async def test_bob_pressing_alices_notice_never_frees_alice(stage: Stage, forged: str) -> None:
    await _alice_and_bob_muted(stage)
    with stage.updates_lost():  # Alice has joined, but the bot has not heard it
        stage.alice.join(stage.news)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    ids = {"alice": stage.alice.id, "zero": 0, "bob": stage.bob.id}
    data = None if forged is None else encode_verify(ids[forged])
    alice_before = stage.group.participant(stage.alice)

    query = await stage.bob.press(notice, data)
    await stage.settle()

    assert query.answered and query.alert, "Bob is told what he is missing"
    assert stage.group.participant(stage.alice) == alice_before, "nothing changed for Alice"
    assert not stage.group.can_write(stage.bob)
    assert notices_for(stage.group, stage.bot, stage.alice) == [notice]


async def test_a_press_on_someone_elses_notice_checks_only_the_presser(stage: Stage) -> None:
    await _alice_and_bob_muted(stage)
    # Alice has joined, unheard. (Bob stays unsubscribed: releasing him would tell the bot of
    # the gap in its updates, and getDifference would then bring Alice's join, as on Telegram.)
    with stage.updates_lost():
        stage.alice.join(stage.news)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    await stage.bob.press(notice, encode_verify(stage.alice.id))
    await stage.settle()

    assert not stage.group.can_write(stage.bob), "Bob's own check: still not subscribed"
    assert not stage.group.can_write(stage.alice), "only Alice's own press frees Alice"
    query = await stage.alice.press(notice)
    await stage.settle()
    assert query.answered and stage.group.can_write(stage.alice)


async def test_a_button_replayed_in_another_group_changes_nothing(stage: Stage) -> None:
    tea = stage.sim.create_supergroup("Tea chat", owner=stage.carol)
    stage.make_admin(tea)
    for member in (stage.alice, stage.bob):
        member.join(tea)
    await guarded(stage)
    await say(stage, stage.carol, tea, "/protect @news")
    await say(stage, stage.alice, stage.group, "hi")  # muted in Coffee, not in Tea
    await say(stage, stage.bob, tea, "hi")  # muted in Tea
    (coffee_notice,) = notices_for(stage.group, stage.bot, stage.alice)
    (tea_notice,) = notices_for(tea, stage.bot, stage.bob)
    with stage.updates_lost():
        stage.alice.join(stage.news)
    before, rows = snapshots.world(stage), await snapshots.database(stage)

    query = await stage.alice.press(tea_notice, data=coffee_notice.buttons[-1][-1].data)
    await stage.settle()

    assert query.answered and query.answer_text is not None
    assert snapshots.world(stage) == before and await snapshots.database(stage) == rows
    assert not stage.group.can_write(stage.alice)


async def test_an_admin_flooding_commands_is_answered_a_few_times(stage: Stage) -> None:
    await guarded(stage)
    replies = snapshots.bot_messages(stage)

    for _ in range(15):
        stage.carol.send(stage.group, "/status")
    await stage.settle()

    answered = snapshots.bot_messages(stage) - replies
    assert 1 <= answered <= 6
    await stage.pass_time(60)
    await say(stage, stage.carol, stage.group, "/status")
    assert "Protection: on" in last_reply(stage.group, stage.bot), "answered again later"


async def test_a_raid_of_presses_is_answered_within_a_capped_budget(stage: Stage) -> None:
    raiders = [stage.user(f"Raider {i}") for i in range(30)]
    await guarded(stage, raiders)
    for raider in raiders:
        raider.send(stage.group, "spam")
    await stage.settle()
    notice = next(
        m for m in stage.group.messages() if m.sender_user_id == stage.bot.id and m.buttons
    )
    await stage.pass_time(10)
    stage.sim.requests.clear()

    queries = [raider.press_nowait(notice, encode_verify(raider.id)) for raider in raiders]
    await stage.settle()

    assert all(query.answered for query in queries), "every press is answered"
    assert stage.sim.requests["GetParticipantRequest"] <= 20, "checks within the cap"
    assert any("wait" in (q.answer_text or "") for q in queries)
    assert not any(stage.group.can_write(raider) for raider in raiders)


async def test_commands_posted_as_a_channel_configure_nothing(stage: Stage) -> None:
    blog = stage.sim.create_channel("Alice's blog", owner=stage.alice, username="aliceblog")
    dave = stage.user("Dave")
    stage.news.promote(dave, by=stage.carol, post_messages=True)  # an editor of @news only
    stage.news.link_discussion(stage.group)
    await guarded(stage, [stage.alice, stage.bob, dave])
    await say(stage, stage.bob, stage.group, "hi")  # Bob is muted
    rows = await snapshots.database(stage)

    stage.alice.send_as(stage.group, blog, "/unprotect")
    dave.send_as(stage.group, stage.news, "/unprotect")  # as the group's linked channel
    await stage.settle()

    assert await snapshots.database(stage) == rows
    assert not stage.group.can_write(stage.bob), "protection is still on"
