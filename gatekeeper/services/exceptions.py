"""/allow, /disallow and /allowed: members an admin exempts from the gate in one group."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.clock import Clock
from gatekeeper.domain.commands import CommandError, parse_user_ref
from gatekeeper.domain.i18n import N_, Name
from gatekeeper.domain.limits import MESSAGE_MAX, clip
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.services.gate import Gate
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram
from gatekeeper.services.registry import Registry

Target = tuple[UserId, str]  # whom, and how to name them
USAGE = N_(
    "Name the member: /{command} @username (or their numeric id), or reply /{command} to their "
    "message."
)


class Exceptions:
    def __init__(self, gateway: Telegram, registry: Registry, gate: Gate, clock: Clock) -> None:
        self._gateway = gateway
        self._registry = registry
        self._gate = gate
        self._clock = clock

    async def allow(self, group_id: ChatId, args: tuple[str, ...], replied: Target | None) -> str:
        t = self._registry.texts(group_id)
        try:
            user_id, label = await self._target("allow", args, replied)
        except CommandError as error:
            return error.text(t)
        note = self._registry.note(group_id, user_id)
        await self._registry.save_note(replace(note, exempt=True, label=label))
        await self._registry.storage.audit.record(
            "allow", at=self._clock.now(), group_id=group_id, user_id=user_id
        )
        if self._registry.restriction(group_id, user_id) is None:
            return t.tr(
                "✅ {member} may write here without joining the channels.", member=t.name(label)
            )
        await self._gate.recheck_member(group_id, user_id)  # an exception releases at once
        return t.tr(
            "✅ {member} may write here without joining the channels; I lifted my mute.",
            member=t.name(label),
        )

    async def disallow(
        self, group_id: ChatId, args: tuple[str, ...], replied: Target | None
    ) -> str:
        t = self._registry.texts(group_id)
        try:
            user_id, label = await self._target("disallow", args, replied)
        except CommandError as error:
            return error.text(t)
        note = self._registry.note(group_id, user_id)
        if not note.exempt:
            return t.tr("{member} has no exception here.", member=t.name(label))
        await self._registry.save_note(replace(note, exempt=False, label=None))
        await self._registry.storage.audit.record(
            "disallow", at=self._clock.now(), group_id=group_id, user_id=user_id
        )
        return t.tr(
            "{member} must join the channels again, from their next message.",
            member=t.name(note.label or label),
        )

    def allowed(self, group_id: ChatId) -> str:
        t = self._registry.texts(group_id)
        notes = self._registry.allowed_in(group_id)
        if not notes:
            return t.tr(
                "No exceptions here. /allow @username, or reply /allow to a member's message."
            )
        names = ", ".join(t.name(n.label or str(n.user_id)) for n in notes)
        listed = t.tr(
            "May write without the channels ({count}): {members}", count=len(notes), members=names
        )
        return clip(listed, MESSAGE_MAX)

    async def _target(self, name: str, args: tuple[str, ...], replied: Target | None) -> Target:
        if not args:
            if replied is None:
                raise CommandError(USAGE, command=name)
            return replied
        if len(args) > 1:
            raise CommandError(USAGE, command=name)
        ref = parse_user_ref(args[0])
        if ref.user_id is not None:
            return ref.user_id, ref.text
        try:
            info = await self._gateway.chat_info(f"@{ref.username}")
        except (ChatUnreachable, FloodWaited):
            raise CommandError("{member}: I cannot find this user", member=Name(ref.text)) from None
        if info.kind not in ("user", "bot"):
            raise CommandError("{member}: that is a chat, not a member", member=Name(ref.text))
        return info.id, f"@{info.username or ref.username}"
