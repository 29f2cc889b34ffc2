"""The admins' commands: /protect, /unlink, /unprotect, /status and /settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.commands import CommandError, parse_channel_refs
from gatekeeper.domain.events import Actor
from gatekeeper.domain.i18n import Name, Texts, language_of
from gatekeeper.domain.model import MAX_CHANNELS_PER_GROUP, ChatId, GroupRules
from gatekeeper.domain.setting_commands import mode_change
from gatekeeper.services.channel_check import check_channel
from gatekeeper.services.exceptions import Exceptions
from gatekeeper.services.gate import Gate
from gatekeeper.services.group_settings import change_settings
from gatekeeper.services.journal import Journal
from gatekeeper.services.log_channel import LogChannel
from gatekeeper.services.observer import Observer
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram
from gatekeeper.services.registry import Registry
from gatekeeper.services.status import status_report
from gatekeeper.services.warmup import Warmups

log = structlog.get_logger(__name__)

Spawn = Callable[[Awaitable[object]], None]
LINKED_RECHECK = 600.0


class Admin:
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        gate: Gate,
        clock: Clock,
        spawn: Spawn,
        observer: Observer,
        journal: Journal,
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._gate = gate
        self._clock = clock
        self._spawn = spawn
        self._linked_checked: dict[ChatId, float] = {}
        self.bot_id = 0
        self.exceptions = Exceptions(gateway, registry, gate, clock)
        self.warmups: Warmups | None = None  # /verify; /protect starts a warm-up
        self.join_requests: Callable[[ChatId], int] = lambda group_id: 0  # waiting, for /status
        self._observer = observer
        self.log_channel = LogChannel(gateway, registry, journal, clock)

    async def refresh_group(self, group_id: ChatId, title: str) -> GroupRules:
        """Record the group, its linked channel and its admins."""
        try:
            linked = await self._gateway.linked_chat(group_id)
        except ChatUnreachable:
            linked = None
        access_hash = await self._gateway.access_hash(group_id)
        await self._registry.storage.groups.ensure_group(
            group_id, title, linked, access_hash=access_hash
        )
        self._registry.set_admins(group_id, frozenset(await self._gateway.admins(group_id)))
        rules = await self._registry.refresh(group_id)
        assert rules is not None
        return rules

    async def refresh_linked(self, group_id: ChatId) -> ChatId | None:
        """The group's linked channel, asked of Telegram at most once per LINKED_RECHECK."""
        rules = self._registry.rules.get(group_id)
        current = rules.linked_channel_id if rules else None
        now = self._clock.now()
        if (
            rules is None
            or now - self._linked_checked.get(group_id, float("-inf")) < LINKED_RECHECK
        ):
            return current
        self._linked_checked[group_id] = now
        try:
            linked = await self._gateway.linked_chat(group_id)
        except (ChatUnreachable, FloodWaited):
            return current
        if linked != current:
            await self._registry.storage.groups.ensure_group(group_id, rules.title, linked)
            await self._registry.refresh(group_id)
        return linked

    async def protect(
        self,
        group_id: ChatId,
        title: str,
        args: tuple[str, ...],
        *,
        language: str | None = None,
        by: Actor | None = None,
    ) -> str:
        """`language`: the protecting admin's, the group's own until /settings language."""
        t = self._texts(group_id, language)
        if not args:
            return t.tr("Name the channels to require: /protect @channel [@another ...]")
        try:
            refs, errors = parse_channel_refs(args)
        except CommandError as error:
            return error.text(t)
        me = await self._gateway.standing(group_id, self.bot_id)
        if not (me.is_admin and me.can_ban and me.can_delete):
            return t.tr(
                "I need to be an admin of this group with the rights to ban users and delete "
                "messages. Promote me with those rights, then send /protect again."
            )
        rules = await self.refresh_group(group_id, title)
        if rules.settings.language is None and language_of(language):
            chosen = replace(rules.settings, language=language_of(language))
            await self._registry.storage.groups.save_settings(group_id, chosen)
            rules = await self._registry.refresh(group_id) or rules
        linked: list[ChatId] = []
        lines: list[str] = []
        for ref in refs:
            try:
                channel, warning = await check_channel(self._gateway, self.bot_id, group_id, ref)
            except CommandError as error:
                errors.append(error)
                continue
            known = set(rules.channel_ids) | set(linked)
            if channel.id not in known and len(known) >= MAX_CHANNELS_PER_GROUP:
                errors.append(
                    CommandError(
                        "{channel}: a group can require at most {most} channels; /unlink one first",
                        channel=Name(ref.text),
                        most=MAX_CHANNELS_PER_GROUP,
                    )
                )
                continue
            access_hash = await self._gateway.access_hash(channel.id)
            await self._registry.storage.groups.save_channel(channel, access_hash=access_hash)
            new = await self._registry.storage.groups.link(group_id, channel.id)
            await self._registry.storage.groups.set_link_health(
                group_id, channel.id, healthy=True, problem=None, admins_told=False
            )
            linked.append(channel.id)
            label = t.name(channel.label)
            lines.append(
                "✅ " + (label if new else t.tr("{channel} (already linked)", channel=label))
            )
            if warning:
                lines.append(f"   ⚠️ {warning.text(t)}")
        lines.extend(f"❌ {problem.text(t)}" for problem in errors)
        if linked:
            await self._registry.storage.groups.set_protected(group_id, True)
            await self._registry.storage.audit.record(
                "protect",
                at=self._clock.now(),
                group_id=group_id,
                detail={**_who(by), "channels": linked},
            )
            if self.warmups is not None:
                self.warmups.protected(group_id)
        rules = await self._registry.refresh(group_id) or rules
        header = (
            t.tr(
                "🛡 Protection is on. Members must join: {channels}",
                channels=", ".join(t.name(link.channel.label) for link in rules.links),
            )
            if rules.enforced
            else t.tr("Protection is not on: no channel could be linked.")
        )
        return "\n".join([header, *lines])

    async def unlink(self, group_id: ChatId, args: tuple[str, ...], by: Actor | None = None) -> str:
        t = self._registry.texts(group_id)
        rules = self._registry.rules.get(group_id)
        if rules is None or not rules.links:
            return t.tr("No channels are linked to this group.")
        try:
            refs, errors = parse_channel_refs(args)
        except CommandError as error:
            return error.text(t)
        if not refs and not errors:
            return t.tr("Name the channel to unlink: /unlink @channel")
        lines = [f"❌ {error.text(t)}" for error in errors]
        for ref in refs:
            link = next(
                (
                    lk
                    for lk in rules.links
                    if (ref.username and (lk.channel.username or "").lower() == ref.username)
                    or lk.channel.id == ref.channel_id
                ),
                None,
            )
            if link is None:
                lines.append(
                    "❌ " + t.tr("{channel} is not linked to this group", channel=t.name(ref.text))
                )
                continue
            await self._registry.storage.groups.unlink(group_id, link.channel.id)
            await self._registry.storage.audit.record(
                "unlink",
                at=self._clock.now(),
                group_id=group_id,
                detail={**_who(by), "channel_id": link.channel.id, "label": link.channel.label},
            )
            lines.append(t.tr("Unlinked {channel}.", channel=t.name(link.channel.label)))
        rules = await self._registry.refresh(group_id) or rules
        if not rules.links:
            lines.append(t.tr("No channels are left: protection is off until you /protect again."))
        self._spawn(self._gate.recheck_muted(group_id))
        return "\n".join(lines)

    async def unprotect(self, group_id: ChatId, by: Actor | None = None) -> str:
        t = self._registry.texts(group_id)
        rules = self._registry.rules.get(group_id)
        if rules is None or not rules.protected:
            return t.tr("Protection is already off.")
        await self._registry.storage.groups.set_protected(group_id, False)
        await self._registry.refresh(group_id)
        await self._registry.storage.audit.record(
            "unprotect", at=self._clock.now(), group_id=group_id, detail=_who(by)
        )
        muted = len(self._registry.restrictions_in(group_id))
        if not muted:
            return t.tr("Protection is off.")
        self._spawn(self._gate.release_all(group_id))
        return t.tr_n(
            "Protection is off. Releasing the {count} member I muted.",
            "Protection is off. Releasing the {count} members I muted.",
            muted,
        )

    async def status(self, group_id: ChatId) -> str:
        return await status_report(
            self._gateway,
            self._registry,
            self.bot_id,
            group_id,
            self._observer,
            join_requests=self.join_requests(group_id),
        )

    async def settings(
        self,
        group_id: ChatId,
        title: str,
        args: tuple[str, ...],
        text: str = "",
        by: Actor | None = None,
    ) -> str:
        """`/settings ...`; `text` is the whole command as typed (a notice text keeps its lines)."""
        rules = self._registry.rules.get(group_id) or await self.refresh_group(group_id, title)
        reply = await change_settings(self._registry, rules, args, text)
        after = self._registry.rules.get(group_id, rules).settings
        if args and after != rules.settings:
            await self._registry.storage.audit.record(
                "settings",
                at=self._clock.now(),
                group_id=group_id,
                detail={**_who(by), "setting": " ".join(args)[:100]},
            )
            first, _, rest = reply.partition("\n")
            told = mode_change(rules.settings, after, self._registry.texts(group_id))
            reply = "\n".join([first, *told, rest])
        return reply

    def _texts(self, group_id: ChatId, language: str | None) -> Texts:
        """The group's language; before it has one, the language of the admin speaking."""
        rules = self._registry.rules.get(group_id)
        if rules is not None and rules.settings.language is not None:
            return self._registry.texts(group_id)
        return self._registry.library.texts(language)


def _who(by: Actor | None) -> dict[str, object]:
    return by.detail if by is not None else {}
