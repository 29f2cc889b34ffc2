"""The three things measured on the same stream: bare Telethon, a naive checker, Gatekeeper.

Each is a real TelegramClient with a SQLite session file, built with the bot's client options
and logged in to the simulated Telegram. Gatekeeper is the whole bot from the composition root
(`app.build`), protecting every group of the scale with `/protect` as an owner would. Bare
Telethon also runs beside each of the other two, as a second bot in the same world and process
(its companion), to be the baseline of the same moment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telethon import TelegramClient, errors, events, types
from telethon.tl import functions

from gatekeeper.app import App, build
from gatekeeper.bench.meters import DatabaseMeter
from gatekeeper.bench.world import PATIENCE, BenchWorld
from gatekeeper.sim import SimUser
from gatekeeper.sim.stage import Stage
from gatekeeper.telegram.client import client_options
from gatekeeper.telegram.commands import COMMANDS_PER_USER

_NOT_IN = (types.ChannelParticipantLeft,)
UNPACED = 1e9


class Contestant:
    """Bare Telethon: a no-op handler for each kind of event the bot listens to."""

    name = "bare Telethon"

    def __init__(
        self, stage: Stage, world: BenchWorld, session: Path, bot: SimUser | None = None
    ) -> None:
        self.stage = stage
        self.world = world
        self.bot = bot or stage.bot
        self.client: TelegramClient = stage.sim.client(
            self.bot, session=str(session), **client_options()
        )
        self.database: DatabaseMeter | None = None

    async def start(self) -> None:
        self.register()
        await self.client.start(bot_token=self.bot.token)
        await self.stage.settle(PATIENCE)

    def register(self) -> None:
        add = self.client.add_event_handler
        add(self.on_message, events.NewMessage())
        add(_nothing, events.ChatAction())
        add(_nothing, events.Raw(types.UpdateChannelParticipant))
        add(_nothing, events.CallbackQuery())

    async def on_message(self, event: Any) -> None:
        return None

    async def stop(self) -> None:
        if self.client.is_connected():
            await self.client.disconnect()


async def _nothing(event: Any) -> None:
    return None


class NaiveChecker(Contestant):
    """What open-source force-subscribe bots do: ask Telegram on every message, for every
    required channel, and delete the message of a non-subscriber (no cache, no mute)."""

    name = "naive checker"

    def __init__(self, stage: Stage, world: BenchWorld, session: Path) -> None:
        super().__init__(stage, world, session)
        self._required: dict[int, list[Any]] = {}

    async def start(self) -> None:
        await super().start()
        channels = [
            await self.client.get_input_entity(f"@{c.username}") for c in self.world.channels
        ]
        for g, group in enumerate(self.world.groups):
            self._required[group.peer_id] = [channels[c] for c in self.world.scale.channels_of(g)]

    async def on_message(self, event: Any) -> None:
        required = self._required.get(event.chat_id)
        if not required or event.message.out:
            return
        sender = await event.get_input_sender()
        missing = 0
        for channel in required:  # every channel, to name the missing ones in a notice
            try:
                found = await self.client(functions.channels.GetParticipantRequest(channel, sender))
            except errors.UserNotParticipantError:
                found = None
            participant = getattr(found, "participant", None)
            left = isinstance(participant, types.ChannelParticipantBanned) and participant.left
            missing += participant is None or isinstance(participant, _NOT_IN) or left
        if missing:
            await event.delete()


class Gatekeeper(Contestant):
    """The real bot, wired by the composition root exactly as `Stage.start` does."""

    def __init__(self, stage: Stage, world: BenchWorld, session: Path, label: str) -> None:
        super().__init__(stage, world, session)
        self.name = f"Gatekeeper {label}"
        # The sim sets no global rate, and a first pass at 30 requests a second of wall time
        # would take minutes: the pacer's budget is lifted. It changes no count.
        unpaced = {"telegram_rate": UNPACED, "telegram_burst": UNPACED}
        settings = stage.settings().model_copy(update=unpaced)
        self.app: App = build(settings, client=self.client, clock=stage.clock)
        self.database = DatabaseMeter(self.app.storage.engine)

    async def start(self) -> None:
        stage = self.stage
        stage.app = self.app
        await self.app.start()
        await stage.settle(PATIENCE)
        for g, group in enumerate(self.world.groups):
            stage.carol.send(group, self.world.protect_command(g))
            if g % COMMANDS_PER_USER.count == COMMANDS_PER_USER.count - 1:
                # One owner's commands are limited per minute: she protects the next ones later.
                await stage.settle(PATIENCE)
                await stage.pass_time(COMMANDS_PER_USER.per)
        await stage.settle(PATIENCE)
        unprotected = [
            group
            for group in self.world.groups
            if not getattr(self.app.registry.rules.get(group.peer_id), "enforced", False)
        ]
        if unprotected:
            raise RuntimeError(f"/protect did not take in {len(unprotected)} groups")

    async def stop(self) -> None:
        await self.stage.stop()
