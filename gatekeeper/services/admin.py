"""The admins' commands: /protect, /unlink, /unprotect, /status and /settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.commands import ChannelRef, CommandError, parse_channel_refs
from gatekeeper.domain.model import MAX_CHANNELS_PER_GROUP, Channel, ChatId, GroupRules
from gatekeeper.domain.setting_commands import apply_setting, settings_lines, status_line
from gatekeeper.domain.warmup import status_line as warmup_line
from gatekeeper.services.exceptions import Exceptions
from gatekeeper.services.gate import Gate
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram
from gatekeeper.services.registry import Registry
from gatekeeper.services.warmup import Warmups

log = structlog.get_logger(__name__)

Spawn = Callable[[Awaitable[object]], None]
NOT_A_CHANNEL = {
    "supergroup": "that is a group, not a channel; only a broadcast channel can be required",
    "basic_group": "that is a basic group, not a channel; only a broadcast channel can be required",
    "user": "that is a person, not a channel; only a broadcast channel can be required",
    "bot": "that is a bot, not a channel; only a broadcast channel can be required",
}
LINKED_RECHECK = 600.0


class Admin:
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        gate: Gate,
        clock: Clock,
        spawn: Spawn,
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

    async def protect(self, group_id: ChatId, title: str, args: tuple[str, ...]) -> str:
        if not args:
            return "Name the channels to require: /protect @channel [@another ...]"
        try:
            refs, errors = parse_channel_refs(args)
        except CommandError as error:
            return str(error)
        me = await self._gateway.standing(group_id, self.bot_id)
        if not (me.is_admin and me.can_ban and me.can_delete):
            return (
                "I need to be an admin of this group with the rights to ban users and delete "
                "messages. Promote me with those rights, then send /protect again."
            )
        rules = await self.refresh_group(group_id, title)
        linked: list[ChatId] = []
        lines: list[str] = []
        for ref in refs:
            try:
                channel, warning = await self._validate(group_id, ref)
            except CommandError as error:
                errors.append(str(error))
                continue
            known = set(rules.channel_ids) | set(linked)
            if channel.id not in known and len(known) >= MAX_CHANNELS_PER_GROUP:
                errors.append(
                    f"{ref.text}: a group can require at most {MAX_CHANNELS_PER_GROUP} channels; "
                    "/unlink one first"
                )
                continue
            access_hash = await self._gateway.access_hash(channel.id)
            await self._registry.storage.groups.save_channel(channel, access_hash=access_hash)
            new = await self._registry.storage.groups.link(group_id, channel.id)
            await self._registry.storage.groups.set_link_health(
                group_id, channel.id, healthy=True, problem=None, admins_told=False
            )
            linked.append(channel.id)
            lines.append(f"✅ {channel.label}" + ("" if new else " (already linked)"))
            if warning:
                lines.append(f"   ⚠️ {warning}")
        lines.extend(f"❌ {problem}" for problem in errors)
        if linked:
            await self._registry.storage.groups.set_protected(group_id, True)
            await self._registry.storage.audit.record(
                "protect", at=self._clock.now(), group_id=group_id, detail={"channels": linked}
            )
            if self.warmups is not None:
                self.warmups.protected(group_id)
        rules = await self._registry.refresh(group_id) or rules
        header = (
            "🛡 Protection is on. Members must join: "
            + ", ".join(link.channel.label for link in rules.links)
            if rules.enforced
            else "Protection is not on: no channel could be linked."
        )
        return "\n".join([header, *lines])

    async def _validate(self, group_id: ChatId, ref: ChannelRef) -> tuple[Channel, str | None]:
        if ref.invite_hash is not None:
            raise CommandError(
                f"{ref.text}: I cannot open invite links; send the channel's numeric id "
                "(forward a post to @userinfobot to see it) or its @username"
            )
        target: int | str = ref.channel_id if ref.channel_id is not None else f"@{ref.username}"
        try:
            info = await self._gateway.chat_info(target)
        except ChatUnreachable as error:
            raise CommandError(
                f"{ref.text}: {error}. Check the name; if the channel is private, "
                "add me to it as an admin first"
            ) from None
        if info.id == group_id:
            raise CommandError(
                f"{ref.text}: that is this group itself; name the channel members must join"
            )
        if info.kind != "channel":
            raise CommandError(f"{ref.text}: {NOT_A_CHANNEL[info.kind]}")
        try:
            me = await self._gateway.standing(info.id, self.bot_id)
        except ChatUnreachable as error:
            raise CommandError(
                f"{info.title}: {error}; add me to the channel as an admin so I can see its members"
            ) from None
        if not me.is_admin:
            raise CommandError(
                f"{info.title}: I am not an admin there; add me as an admin (no special rights "
                "needed) so I can see its members"
            )
        warning = None
        invite = None
        if not info.username:
            invite = await self._gateway.export_invite(info.id)
            if invite is None:
                warning = (
                    f"{info.title} is private and I could not create an invite link: give me "
                    "the right to invite users there, or members will get no join button"
                )
        return Channel(info.id, info.title, info.username, invite), warning

    async def unlink(self, group_id: ChatId, args: tuple[str, ...]) -> str:
        rules = self._registry.rules.get(group_id)
        if rules is None or not rules.links:
            return "No channels are linked to this group."
        try:
            refs, errors = parse_channel_refs(args)
        except CommandError as error:
            return str(error)
        if not refs and not errors:
            return "Name the channel to unlink: /unlink @channel"
        lines = [f"❌ {error}" for error in errors]
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
                lines.append(f"❌ {ref.text} is not linked to this group")
                continue
            await self._registry.storage.groups.unlink(group_id, link.channel.id)
            lines.append(f"Unlinked {link.channel.label}.")
        rules = await self._registry.refresh(group_id) or rules
        if not rules.links:
            lines.append("No channels are left: protection is off until you /protect again.")
        self._spawn(self._gate.recheck_muted(group_id))
        return "\n".join(lines)

    async def unprotect(self, group_id: ChatId) -> str:
        rules = self._registry.rules.get(group_id)
        if rules is None or not rules.protected:
            return "Protection is already off."
        await self._registry.storage.groups.set_protected(group_id, False)
        await self._registry.refresh(group_id)
        await self._registry.storage.audit.record(
            "unprotect", at=self._clock.now(), group_id=group_id
        )
        muted = len(self._registry.restrictions_in(group_id))
        if not muted:
            return "Protection is off."
        self._spawn(self._gate.release_all(group_id))
        plural = "member" if muted == 1 else "members"
        return f"Protection is off. Releasing the {muted} {plural} I muted."

    async def status(self, group_id: ChatId) -> str:
        rules = self._registry.rules.get(group_id)
        if rules is None or not rules.links:
            return "Protection is off: no channels are linked. Start with /protect @channel"
        lines = [f"🛡 Protection: {'on' if rules.protected else 'off'}"]
        if not rules.acting:
            lines.append(
                "⏸ I am not an admin here any more, so I have stopped guarding: nobody is muted "
                "or removed until you make me an admin with the rights to ban and delete."
            )
        try:
            me = await self._gateway.standing(group_id, self.bot_id)
        except (ChatUnreachable, FloodWaited):
            me = None
        if me is not None and not (me.is_admin and me.can_ban and me.can_delete):
            lines.append(
                "⚠️ I need the rights to ban users and delete messages here: "
                "nobody can be muted until I have them."
            )
        if rules.linked_channel_id is not None:
            lines.append(await self._comments_line(group_id))
        lines.append(status_line(rules.settings))
        lines.append("Channels:")
        for link in rules.links:
            health = "✅ healthy" if link.healthy else f"⚠️ {link.problem or 'unreachable'}"
            lines.append(f"• {link.channel.label}: {health}")
        lines.append(f"Muted by me: {len(self._registry.restrictions_in(group_id))}")
        lines.append(f"Exceptions (/allowed): {len(self._registry.allowed_in(group_id))}")
        seen = len(self._registry.verified.get(group_id, ()))
        lines.append(f"Seen subscribed since I last started: {seen}")
        lines.append(warmup_line(self._registry.warmups.get(group_id)))
        return "\n".join(lines)

    async def _comments_line(self, group_id: ChatId) -> str:
        """Whether a discussion group lets non-members comment (Telegram's join_to_send)."""
        try:
            info = await self._gateway.chat_info(group_id)
        except (ChatUnreachable, FloodWaited):
            return "💬 Comments: I could not read whether only members may send."
        if info.join_to_send:
            return "💬 Comments: only members of this group may send (join to send is on)."
        return (
            "💬 Comments: non-members may comment on the channel's posts (join to send is "
            "off); those who lack a channel are muted and told too."
        )

    async def settings(self, group_id: ChatId, title: str, args: tuple[str, ...]) -> str:
        rules = self._registry.rules.get(group_id) or await self.refresh_group(group_id, title)
        current = rules.settings
        if args:
            try:
                current = apply_setting(current, args)
            except CommandError as error:
                return str(error)
            await self._registry.storage.groups.save_settings(group_id, current)
            await self._registry.refresh(group_id)
        return "\n".join([*(["Saved."] if args else []), "Settings:", *settings_lines(current)])
