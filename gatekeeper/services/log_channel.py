"""`/logchannel @channel` and `/logchannel off`: where a group's log lines go.

Validated like a required channel, with one more proof: the bot posts its first line there,
so a channel it cannot post in is refused with a clear answer.
"""

from __future__ import annotations

from gatekeeper.clock import Clock
from gatekeeper.domain.commands import CommandError, parse_channel_ref
from gatekeeper.domain.events import Actor
from gatekeeper.domain.i18n import N_, Name, Texts
from gatekeeper.domain.model import Channel, ChatId
from gatekeeper.services.journal import Journal
from gatekeeper.services.lookup import look_up
from gatekeeper.services.ports import Telegram
from gatekeeper.services.registry import Registry

USAGE = N_(
    "Name the channel for my log: /logchannel @channel (or its numeric id), or /logchannel off"
)
KINDS = {
    "user": N_("{channel}: that is a person; name a channel for my log"),
    "bot": N_("{channel}: that is a bot; name a channel for my log"),
    "basic_group": N_("{channel}: that is a basic group; name a channel for my log"),
}


class LogChannel:
    def __init__(
        self, gateway: Telegram, registry: Registry, journal: Journal, clock: Clock
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._journal = journal
        self._clock = clock

    async def configure(
        self, group_id: ChatId, title: str, args: tuple[str, ...], by: Actor
    ) -> str:
        t = self._registry.texts(group_id)
        if len(args) != 1:
            return t.tr(USAGE)
        rules = self._registry.rules.get(group_id)
        if args[0].lower() == "off":
            if rules is None or rules.log_channel_id is None:
                return t.tr("No log channel is set.")
            await self._set(group_id, None, by)
            return t.tr("📒 Log channel off: I no longer log what I do here.")
        if rules is None:
            await self._registry.storage.groups.ensure_group(group_id, title, None)
        try:
            channel = await self._validate(group_id, title, args[0], t)
        except CommandError as error:
            return error.text(t)
        if not any(channel.id in r.channel_ids for r in self._registry.rules.values()):
            access_hash = await self._gateway.access_hash(channel.id)  # to name it after restarts
            await self._registry.storage.groups.save_channel(channel, access_hash=access_hash)
        await self._set(group_id, channel.id, by)
        self._journal.found_again(group_id)
        return t.tr("📒 I will log what I do here in {channel}.", channel=t.name(channel.label))

    async def _set(self, group_id: ChatId, channel_id: ChatId | None, by: Actor) -> None:
        """Change it; the line saying so goes to the channel that is on (the new, or the old)."""
        if channel_id is None:
            await self._record(group_id, "logchannel_off", by)
        await self._registry.storage.groups.set_log_channel(group_id, channel_id)
        await self._registry.refresh(group_id)
        if channel_id is not None:
            await self._record(group_id, "logchannel", by)

    async def _record(self, group_id: ChatId, action: str, by: Actor) -> None:
        await self._registry.storage.audit.record(
            action, at=self._clock.now(), group_id=group_id, detail=by.detail
        )

    async def _validate(self, group_id: ChatId, title: str, word: str, t: Texts) -> Channel:
        ref = parse_channel_ref(word)
        info = await look_up(self._gateway, ref)
        if info.id == group_id:
            raise CommandError(
                "{channel}: that is this group itself; name a channel for my log",
                channel=Name(ref.text),
            )
        if info.kind in KINDS:
            raise CommandError(KINDS[info.kind], channel=Name(ref.text))
        self._gateway.message_budget.spend(info.id)
        first = t.tr("📒 From now on I log here what I do in {group}.", group=t.name(title or "?"))
        if await self._gateway.send(info.id, first) is None:
            raise CommandError(
                "{channel}: I cannot post there; make me an admin of it with the right to "
                "post messages, then send /logchannel again",
                channel=Name(info.title),
            )
        return Channel(info.id, info.title, info.username)
