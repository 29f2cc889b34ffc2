"""Two bots (two tokens) share one database and one Redis, each guarding its own group: neither
sees, changes or releases the other's groups and mutes, through commands and restarts alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from gatekeeper.app import App
from gatekeeper.sim import SimChat, SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply


class Warden:
    """A second bot, in the same simulated Telegram, guarding Carol's tea room with @teatime."""

    def __init__(self, stage: Stage, session: Path) -> None:
        self.stage = stage
        self.session = session
        self.bot = stage.sim.create_bot("warden_bot", first_name="Warden")
        self.room = stage.sim.create_supergroup("Tea room", owner=stage.carol)
        self.tea = stage.sim.create_channel("Tea", owner=stage.carol, username="teatime")
        self.app: App | None = None

    async def start(self) -> App:
        self.app = await self.stage.start_bot(self.bot, self.session)
        await self.settle()
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None

    async def settle(self) -> None:
        for _ in range(5):
            await self.stage.settle()
            if self.app is not None:
                await self.app.drain()
        await self.stage.settle()

    async def say(self, who: SimUser, chat: SimChat, text: str) -> None:
        who.send(chat, text)
        await self.settle()


@pytest.fixture
async def two_bots(
    database_url: str, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Stage, Warden]]:
    flush = Redis.from_url(redis_url)
    await flush.flushdb()
    stage = Stage(database_url, session=tmp_path / "bot.session", redis_url=redis_url)
    warden = Warden(stage, tmp_path / "warden.session")
    try:
        yield stage, warden
    finally:
        await warden.stop()
        await stage.stop()
        await flush.flushdb()
        await flush.aclose()


async def _both_guarding(stage: Stage, warden: Warden) -> None:
    """Gatekeeper guards the coffee chat, Warden the tea room; Alice, in both, subscribes to
    neither. Gatekeeper is an admin of the tea room too, but guards nothing there."""
    await guarded(stage, members=(stage.alice,))
    stage.make_admin(warden.room)
    for chat in (warden.room, warden.tea):
        chat.promote(warden.bot, by=stage.carol)
    stage.alice.join(warden.room)
    await warden.start()
    await warden.say(stage.carol, warden.room, "/protect@warden_bot @teatime")
    assert "Protection is on" in last_reply(warden.room, warden.bot)

    await warden.say(stage.alice, stage.group, "hello coffee")
    await warden.say(stage.alice, warden.room, "hello tea")
    assert not stage.group.can_write(stage.alice)
    assert not warden.room.can_write(stage.alice)


async def test_each_bot_knows_only_its_own_groups_and_mutes(two_bots: tuple[Stage, Warden]) -> None:
    stage, warden = two_bots
    await _both_guarding(stage, warden)

    await stage.restart()
    await warden.stop()
    await warden.start()

    assert stage.app is not None and warden.app is not None
    assert set(stage.app.registry.rules) == {stage.group.peer_id}
    assert set(warden.app.registry.rules) == {warden.room.peer_id}
    assert [r.group_id for r in stage.app.registry.restrictions.values()] == [stage.group.peer_id]
    assert not [m for m in warden.room.messages() if m.sender_user_id == stage.bot.id]
    await warden.say(stage.carol, warden.room, "/status@warden_bot")
    status = last_reply(warden.room, warden.bot)
    assert "Protection: on" in status and "Muted by me: 1" in status


async def test_one_bot_unprotecting_and_restarting_leaves_the_others_mutes(
    two_bots: tuple[Stage, Warden],
) -> None:
    stage, warden = two_bots
    await _both_guarding(stage, warden)

    await warden.say(stage.carol, stage.group, "/unprotect@gatekeeper_bot")
    assert stage.group.can_write(stage.alice), "Gatekeeper released her in the coffee chat"
    assert not warden.room.can_write(stage.alice), "Warden's mute stands"
    await stage.restart()
    await warden.settle()
    assert not warden.room.can_write(stage.alice)

    await warden.stop()
    await warden.start()
    stage.alice.join(warden.tea)
    await warden.settle()

    assert warden.room.can_write(stage.alice), "Warden still knew its mute, and lifted it"


async def test_the_bots_keep_their_verdicts_apart_in_the_shared_redis(
    two_bots: tuple[Stage, Warden], redis_url: str
) -> None:
    stage, warden = two_bots
    await _both_guarding(stage, warden)

    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        keys = {str(key) for key in await redis.keys("*")}
    finally:
        await redis.aclose()
    assert f"gk:{stage.bot.id}:m:{stage.news.peer_id}:{stage.alice.id}" in keys
    assert f"gk:{warden.bot.id}:m:{warden.tea.peer_id}:{stage.alice.id}" in keys
    assert all(key.startswith((f"gk:{stage.bot.id}:", f"gk:{warden.bot.id}:")) for key in keys)
