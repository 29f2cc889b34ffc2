"""The database goes away (a restart, a crash of its server) while the bot works: every update
that meets it gets a clear answer or is done later; no exception escapes a handler, and no
mute is imposed that the bot could not record (nor one lifted that it did not impose)."""

from __future__ import annotations

from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import structlog

from gatekeeper.sim.stage import Stage
from tests.reliability.fault_world import Watch
from tests.reliability.servers import PrivatePostgres, PrivateRedis
from tests.scenarios.helpers import guarded, last_reply, notices_for, say
from tests.scenarios.test_settings_panel import ask, button, rules

ESCAPED = ("handler_failed", "background_task_failed", "chore_failed")


@dataclass
class Outage:
    stage: Stage
    postgres: PrivatePostgres
    logs: list[MutableMapping[str, Any]]
    watch: Watch

    def escaped(self) -> list[str]:
        return [f"{e['event']} {e.get('kind', '')}" for e in self.logs if e["event"] in ESCAPED]

    def away(self) -> list[str]:
        """The kinds of updates logged as meeting the database away."""
        return [e["kind"] for e in self.logs if e["event"] == "database_away"]


@pytest.fixture
async def outage(
    fault_database: str, private_postgres: PrivatePostgres, tmp_path: Path
) -> AsyncIterator[Outage]:
    """A protected group (Alice and Bob in it, Bob muted for not having joined @news), its
    bot on a PostgreSQL server of the test's own, which the test stops and starts."""
    stage = Stage(fault_database, session=tmp_path / "bot.session")
    try:
        with structlog.testing.capture_logs() as logs:
            await guarded(stage, [stage.alice, stage.bob])
            stage.alice.join(stage.news)
            await say(stage, stage.bob, stage.group, "hello")
            assert not stage.group.can_write(stage.bob)
            watch = Watch(stage)
            watch.install()
            yield Outage(stage, private_postgres, logs, watch)
    finally:
        await stage.stop()


async def test_an_admin_command_meets_the_database_away_and_is_told_to_send_it_again(
    outage: Outage,
) -> None:
    stage = outage.stage
    outage.postgres.stop()
    commands = ["/verify", "/settings warn 2", "/allow @alice", "/unlink @news", "/unprotect"]
    for command in commands:
        await say(stage, stage.carol, stage.group, command)
        name = command.split()[0][1:]
        reply = last_reply(stage.group, stage.bot)
        assert reply == f"My database is not answering: send /{name} again in a minute."
        await stage.pass_time(11)  # within the bound on commands per admin
    outage.postgres.start()
    await stage.pass_time(31)

    await say(stage, stage.carol, stage.group, "/settings warn 2")
    assert "warn" in last_reply(stage.group, stage.bot)
    assert stage.app is not None
    assert stage.app.registry.rules[stage.group.peer_id].settings.warn_first == 2
    assert outage.escaped() == []
    assert outage.away().count("command") == len(commands)
    assert outage.watch.violations == []


async def test_a_press_in_the_settings_panel_meets_the_database_away_and_is_answered(
    outage: Outage,
) -> None:
    stage = outage.stage
    panel = await ask(stage, stage.carol, "/start settings")
    outage.postgres.stop()

    query = await stage.carol.press(panel, button(panel, "Mode: enforce").data)

    assert query.answered and query.alert
    assert query.answer_text == "My database is not answering: please try again in a minute."
    outage.postgres.start()
    await stage.pass_time(31)
    query = await stage.carol.press(panel, button(panel, "Mode: enforce").data)
    assert query.answered and rules(stage).observing, "pressed again, it is done"
    assert outage.escaped() == []
    assert outage.away() == ["private_callback"]


async def test_a_channel_typed_for_the_panel_while_the_database_is_away_is_typed_again(
    outage: Outage,
) -> None:
    stage = outage.stage
    stage.make_admin(stage.sim.create_channel("Sport", owner=stage.carol, username="sport"))
    panel = await ask(stage, stage.carol, "/start settings")
    await stage.carol.press(panel, button(panel, "➕").data)
    outage.postgres.stop()

    await stage.pass_time(6)  # one private reply per user every few seconds
    stage.carol.start_private(stage.bot, "@sport")
    await stage.settle()

    reply = stage.carol.private_messages_from(stage.bot)[-1].text
    assert reply == "My database is not answering: please try again in a minute."
    outage.postgres.start()
    await stage.pass_time(31)
    stage.carol.start_private(stage.bot, "@sport")
    await stage.settle()
    reply = stage.carol.private_messages_from(stage.bot)[-1].text
    assert "Members must join: @news, @sport" in reply, "still asked for, it is linked"
    assert outage.escaped() == []
    assert outage.away() == ["private"]


async def test_a_press_of_i_have_joined_while_the_database_is_away_is_answered_and_done(
    outage: Outage,
) -> None:
    stage = outage.stage
    stage.bob.join(stage.news)
    outage.postgres.stop()

    query = await stage.bob.press(notices_for(stage.group, stage.bot, stage.bob)[-1])

    assert query.answered and query.answer_text is not None
    assert "I will unmute you within a minute" in query.answer_text, "its record waits"
    outage.postgres.start()
    await stage.pass_time(31)
    await stage.pass_time(31)
    assert stage.group.can_write(stage.bob)
    assert stage.app is not None
    assert stage.app.registry.restriction(stage.group.peer_id, stage.bob.id) is None
    assert outage.escaped() == [] and outage.watch.violations == []


async def test_a_member_who_speaks_or_joins_while_the_database_is_away_is_muted_once_it_is_back(
    outage: Outage,
) -> None:
    stage = outage.stage
    dave = stage.user("Dave")
    outage.postgres.stop()

    stage.alice.leave(stage.news)
    await say(stage, stage.alice, stage.group, "hi")
    dave.join(stage.group)
    await stage.settle()

    assert stage.group.can_write(stage.alice), "no mute the bot could not record"
    assert stage.group.can_write(dave)
    outage.postgres.start()
    await stage.pass_time(31)
    await stage.pass_time(31)
    assert not stage.group.can_write(stage.alice) and not stage.group.can_write(dave)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    assert outage.escaped() == [] and outage.watch.violations == []


async def test_a_requester_who_presses_while_the_database_is_away_is_let_in_and_told_so(
    outage: Outage,
) -> None:
    stage = outage.stage
    dave = stage.user("Dave")
    dave.request_join(stage.group)
    await stage.settle()
    (asked,) = dave.private_messages_from(stage.bot)
    dave.join(stage.news)
    outage.postgres.stop()

    query = await dave.press(asked)

    assert query.answered and "approved" in (query.answer_text or "")
    assert stage.group.is_member(dave) and stage.group.can_write(dave)
    outage.postgres.start()
    await stage.pass_time(31)
    assert outage.escaped() == [] and outage.watch.violations == []


async def test_an_admin_who_takes_over_a_mute_while_the_database_is_away_keeps_it(
    outage: Outage,
) -> None:
    stage = outage.stage
    outage.postgres.stop()

    stage.carol.restrict(stage.group, stage.bob, send_messages=True, send_media=True)
    await stage.settle()
    outage.postgres.start()
    await stage.pass_time(31)
    stage.bob.join(stage.news)
    await stage.settle()
    await stage.pass_time(31)

    assert not stage.group.can_write(stage.bob), "Carol's restriction stands"
    assert outage.escaped() == [] and "participant" in outage.away()


async def test_redis_away_changes_no_answer(
    fault_database: str, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    stage = Stage(fault_database, session=tmp_path / "bot.session", redis_url=private_redis.url)
    try:
        with structlog.testing.capture_logs() as logs:
            await guarded(stage, [stage.alice, stage.bob])
            private_redis.stop()
            await say(stage, stage.bob, stage.group, "hello")
            await say(stage, stage.carol, stage.group, "/verify")
            assert "My database" not in last_reply(stage.group, stage.bot)
            query = await stage.bob.press(notices_for(stage.group, stage.bot, stage.bob)[-1])
            assert query.answered and "Not yet" in (query.answer_text or "")
            stage.bob.join(stage.news)
            await stage.settle()
            assert stage.group.can_write(stage.bob)
            private_redis.start()
            await stage.pass_time(31)
    finally:
        await stage.stop()
    assert [e["event"] for e in logs if e["event"] in (*ESCAPED, "database_away")] == []


async def test_a_newcomer_who_joins_while_the_database_is_away_still_gets_the_grace(
    outage: Outage,
) -> None:
    stage = outage.stage
    await say(stage, stage.carol, stage.group, "/settings grace 1h")
    dave = stage.user("Dave")
    outage.postgres.stop()

    dave.join(stage.group)
    await stage.settle()
    outage.postgres.start()
    await stage.pass_time(31)
    await stage.pass_time(31)
    await say(stage, dave, stage.group, "hello, I am new")

    assert stage.group.can_write(dave), "within the grace the group grants newcomers"
    assert outage.escaped() == [] and outage.watch.violations == []
