"""/allow, /disallow and /allowed: members an admin exempts from the gate in one group."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.clock import Clock
from gatekeeper.domain.commands import CommandError, parse_user_ref
from gatekeeper.domain.limits import MESSAGE_MAX, clip
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.services.gate import Gate
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram
from gatekeeper.services.registry import Registry

Target = tuple[UserId, str]  # whom, and how to name them
USAGE = "Name the member: /{0} @username (or their numeric id), or reply /{0} to their message."


class Exceptions:
    def __init__(self, gateway: Telegram, registry: Registry, gate: Gate, clock: Clock) -> None:
        self._gateway = gateway
        self._registry = registry
        self._gate = gate
        self._clock = clock

    async def allow(self, group_id: ChatId, args: tuple[str, ...], replied: Target | None) -> str:
        try:
            user_id, label = await self._target("allow", args, replied)
        except CommandError as error:
            return str(error)
        note = self._registry.note(group_id, user_id)
        await self._registry.save_note(replace(note, exempt=True, label=label))
        await self._registry.storage.audit.record(
            "allow", at=self._clock.now(), group_id=group_id, user_id=user_id
        )
        if self._registry.restriction(group_id, user_id) is None:
            return f"✅ {label} may write here without joining the channels."
        await self._gate.recheck_member(group_id, user_id)  # an exception releases at once
        return f"✅ {label} may write here without joining the channels; I lifted my mute."

    async def disallow(
        self, group_id: ChatId, args: tuple[str, ...], replied: Target | None
    ) -> str:
        try:
            user_id, label = await self._target("disallow", args, replied)
        except CommandError as error:
            return str(error)
        note = self._registry.note(group_id, user_id)
        if not note.exempt:
            return f"{label} has no exception here."
        await self._registry.save_note(replace(note, exempt=False, label=None))
        await self._registry.storage.audit.record(
            "disallow", at=self._clock.now(), group_id=group_id, user_id=user_id
        )
        return f"{note.label or label} must join the channels again, from their next message."

    def allowed(self, group_id: ChatId) -> str:
        notes = self._registry.allowed_in(group_id)
        if not notes:
            return "No exceptions here. /allow @username, or reply /allow to a member's message."
        names = ", ".join(n.label or str(n.user_id) for n in notes)
        return clip(f"May write without the channels ({len(notes)}): {names}", MESSAGE_MAX)

    async def _target(self, name: str, args: tuple[str, ...], replied: Target | None) -> Target:
        if not args:
            if replied is None:
                raise CommandError(USAGE.format(name))
            return replied
        if len(args) > 1:
            raise CommandError(USAGE.format(name))
        ref = parse_user_ref(args[0])
        if ref.user_id is not None:
            return ref.user_id, ref.text
        try:
            info = await self._gateway.chat_info(f"@{ref.username}")
        except (ChatUnreachable, FloodWaited):
            raise CommandError(f"{ref.text}: I cannot find this user") from None
        if info.kind not in ("user", "bot"):
            raise CommandError(f"{ref.text}: that is a chat, not a member")
        return info.id, f"@{info.username or ref.username}"
