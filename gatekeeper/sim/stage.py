"""A stage: the simulated Telegram, a cast, and the real bot built by the composition root.

Shared by the scenario tests, the demo and the benchmark, so all three run the same wiring.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from telethon.sessions import MemorySession, SQLiteSession

from gatekeeper.app import App, build
from gatekeeper.clock import FrozenClock
from gatekeeper.settings import Settings
from gatekeeper.sim import snapshot
from gatekeeper.sim.actors import SimChat, SimUser
from gatekeeper.sim.server import SimTelegram
from gatekeeper.telegram.client import client_options


class Stage:
    """Carol owns a group ("Coffee chat") and a channel (@news); the bot is to guard the group."""

    def __init__(
        self,
        database_url: str,
        *,
        session: Path | None = None,
        redis_url: str | None = None,
        seed: int = 0,
        health_port: int = -1,
        **overrides: object,
    ) -> None:
        """`overrides`: settings for the bot (e.g. `warmup_interval`). Warm-ups run only on
        demand unless a stage asks for them, so that a story about a message is not about a
        warm-up of the group as well."""
        self.health_port = health_port
        self.overrides: dict[str, object] = {"warmup_interval": 0.0, **overrides}
        self.clock = FrozenClock()
        self.sim = SimTelegram(clock=self.clock, seed=seed)
        self.database_url = database_url
        self.session = session
        self.redis_url = redis_url
        self.bot = self.sim.create_bot("gatekeeper_bot", first_name="Gatekeeper")
        self.carol = self.sim.create_user("Carol", username="carol")
        self.alice = self.sim.create_user("Alice", username="alice")
        self.bob = self.sim.create_user("Bob", username="bob")
        self.group = self.sim.create_supergroup("Coffee chat", owner=self.carol)
        self.news = self.sim.create_channel("News", owner=self.carol, username="news")
        self.app: App | None = None
        self.built: App | None = None  # the bot built last: the one starting, before `app`

    def settings(self, bot: SimUser | None = None) -> Settings:
        """The settings the bot (or another bot, sharing database and Redis) runs with."""
        return Settings(
            _env_file=None,
            api_id=1,
            api_hash="0" * 32,
            bot_token=(bot or self.bot).token,
            database_url=self.database_url,
            redis_url=self.redis_url,
            health_port=self.health_port,
            **self.overrides,  # type: ignore[arg-type]
        )

    def make_admin(self, chat: SimChat) -> None:
        """Carol makes the bot an admin with every right."""
        chat.promote(self.bot, by=self.carol)

    async def start(self) -> App:
        """Build the bot with the composition root, as production does, and start it."""
        self.app = await self.start_bot(self.bot, self.session)
        await self.settle()
        return self.app

    async def start_bot(self, bot: SimUser, session: Path | None) -> App:
        """Start `bot` (this stage's or another, sharing its world, database and Redis)."""
        client = self.sim.client(bot, session=str(session) if session else None, **client_options())
        app = self.built = build(self.settings(bot), client=client, clock=self.clock)
        try:
            await app.start()
        except BaseException:
            await app.stop()  # as `App.run` does: a failed start leaves nothing connected
            raise
        return app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None

    async def kill(self) -> None:
        """The bot dies at once (SIGKILL, a crash): the session file keeps only what Telethon
        had saved before. Telethon writes the entities it learns (access hashes) and the update
        state only about once a minute and on a clean disconnect; neither happens here."""
        if self.app is None:
            return
        client = self.app.client
        session = client.session
        if isinstance(session, SQLiteSession) and session._conn is not None:
            session._conn.rollback()  # what a killed process never committed is not on disk
            session._conn.close()
            session._conn = None
        client.session = MemorySession()  # the rest of the shutdown writes nowhere
        await self.stop()

    async def restart(self) -> App:
        await self.stop()
        return await self.start()

    async def settle(self, patience: float = 30.0) -> None:
        """Until Telegram's updates and the bot's background work have all been handled
        (`patience`: real seconds of continued activity before giving up; the bench's large
        scales need more)."""
        for _ in range(50):
            await self.sim.settle(max_seconds=patience)
            if self.app is None or not self.app.busy:
                await asyncio.sleep(0)
                await self.sim.settle(max_seconds=patience)
                if self.app is None or not self.app.busy:
                    return
            else:
                await self.app.drain()
        raise RuntimeError("the bot never settled")

    async def pass_time(self, seconds: float) -> None:
        """Let time go by and the bot do its periodic chores."""
        self.clock.advance(seconds)
        self.sim.time_passed(seconds)
        if self.app is not None:
            await self.app.sweep()
        await self.settle()

    @contextmanager
    def updates_lost(self) -> Iterator[None]:
        """What happens meanwhile is never pushed to the bot (it may find out by asking)."""
        assert self.app is not None
        sender = self.app.client._sender
        self.sim.detach(sender)
        try:
            yield
        finally:
            self.sim.attach(sender)

    def save_world(self) -> bytes:
        """The world as it is now, for a later process to go on from (`load_world`)."""
        return snapshot.save(self.sim, self.bot.id)

    def load_world(self, data: bytes) -> None:
        """Go on from a world saved by an earlier process of the same cast (bot down)."""
        snapshot.load(self.sim, data)
        self.bot, self.carol = self.sim.user(self.bot.id), self.sim.user(self.carol.id)
        self.alice, self.bob = self.sim.user(self.alice.id), self.sim.user(self.bob.id)
        self.group, self.news = self.sim.chat(self.group.id), self.sim.chat(self.news.id)

    def user(
        self, name: str, username: str | None = None, *, lang_code: str | None = None
    ) -> SimUser:
        return self.sim.create_user(name, username, lang_code=lang_code)
