"""The admins' commands in a group: who may give them, and routing each to the admin service."""

from __future__ import annotations

from typing import Any

from telethon import types, utils

from gatekeeper.clock import Clock
from gatekeeper.domain import panel
from gatekeeper.domain.events import Actor
from gatekeeper.domain.i18n import N_
from gatekeeper.domain.rate_limits import Limiter, Rate
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.admin import Admin
from gatekeeper.services.notices import Notices
from gatekeeper.services.registry import Registry
from gatekeeper.services.who_configures import configures
from gatekeeper.telegram import texts
from gatekeeper.telegram.database_away import database_away
from gatekeeper.telegram.gateway import ChatUnreachable, FloodWaited, Gateway
from gatekeeper.telegram.languages import lang_code

REFUSAL_TTL = 15.0
REFUSAL_INTERVAL = 60.0
# Each command costs Telegram requests (a fresh look at who gives it, replies): per user and
# for everyone together, beyond these a command is ignored.
COMMANDS_PER_USER = Rate(6, 60.0)
COMMANDS_OVERALL = Rate(20, 1.0)
WAIT = N_("Telegram asks me to wait: send /{name} again in a minute.")
DATABASE_AWAY = N_("My database is not answering: send /{name} again in a minute.")
SETTINGS_LINK = N_("⚙️ Settings, in private: {link}")
PANEL_AFTER = ("protect", "status")


class Commands:
    def __init__(
        self,
        gateway: Gateway,
        admin: Admin,
        notices: Notices,
        metrics: Metrics,
        clock: Clock,
        registry: Registry,
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._admin = admin
        self._notices = notices
        self._metrics = metrics
        self._clock = clock
        self._refused: dict[tuple[int, int], float] = {}
        self._limit = Limiter(COMMANDS_PER_USER, COMMANDS_OVERALL)

    async def handle(self, event: Any, name: str, args: tuple[str, ...]) -> None:
        group_id = int(event.chat_id)
        message = event.message
        title = getattr(event.chat, "title", "") or ""
        if self._refused_lately(group_id, message):
            await self._notices.delete_later(group_id, int(message.id), REFUSAL_TTL)
            return  # no second look at Telegram for a member refused a moment ago
        if not self._limit.allow(int(message.sender_id or group_id), self._clock.now()):
            self._metrics.decision("command_limited")
            return
        t = self._registry.texts(group_id)
        try:
            allowed = await self._may_configure(group_id, message)
        except FloodWaited:  # who is asking cannot be told now: nothing is done
            await self._reply(group_id, message.id, t.tr(WAIT, name=name))
            return
        if not allowed:
            if name not in ("start", "help"):  # members can ask the bot in private instead
                await self._refuse(group_id, message, name)
            return
        try:
            reply = await self._run(name, group_id, title, args, message)
        except FloodWaited:
            reply = t.tr(WAIT, name=name)
        except ChatUnreachable as error:
            reply = t.tr("I cannot do that now: {reason}.", reason=t.known(str(error)))
        except Exception as error:  # what was written before stays: each command may be repeated
            if not database_away(error, "command", command=name, group_id=group_id):
                raise
            reply = t.tr(DATABASE_AWAY, name=name)
        # The rest of the configuring is done in private: a link opens the panel there.
        link = self._notices.deep_link(panel.START_PAYLOAD)
        if link and name in PANEL_AFTER:
            reply += "\n" + self._registry.texts(group_id).tr(SETTINGS_LINK, link=link)
        await self._reply(group_id, message.id, reply)

    async def _run(
        self, name: str, group_id: int, title: str, args: tuple[str, ...], message: Any
    ) -> str:
        if name in ("start", "help"):
            t = self._registry.texts(group_id)
            return t.tr(texts.HELP) + "\n" + t.tr(texts.HELP_MORE)
        by = _actor(message)
        if name == "protect":
            language = lang_code(message.sender)
            return await self._admin.protect(group_id, title, args, language=language, by=by)
        if name == "unlink":
            return await self._admin.unlink(group_id, args, by)
        if name == "unprotect":
            return await self._admin.unprotect(group_id, by)
        if name == "logchannel":
            return await self._admin.log_channel.configure(group_id, title, args, by)
        if name == "status":
            return await self._admin.status(group_id)
        exceptions = self._admin.exceptions
        if name in ("allow", "disallow"):
            replied = None if args else await _replied_to(message)
            act = exceptions.allow if name == "allow" else exceptions.disallow
            return await act(group_id, args, replied)
        if name == "allowed":
            return exceptions.allowed(group_id)
        if name == "verify" and self._admin.warmups is not None:
            return await self._admin.warmups.command(group_id, args)
        return await self._admin.settings(group_id, title, args, message.message or "", by)

    def _refused_lately(self, group_id: int, message: Any) -> bool:
        key = (group_id, int(message.sender_id or 0))
        return self._clock.now() - self._refused.get(key, float("-inf")) < REFUSAL_INTERVAL

    async def _refuse(self, group_id: int, message: Any, name: str) -> None:
        """Tell a member once a minute that commands are for admins; both messages go away."""
        self._metrics.decision("command_refused")
        await self._notices.delete_later(group_id, int(message.id), REFUSAL_TTL)
        key = (group_id, int(message.sender_id or 0))
        now = self._clock.now()
        if now - self._refused.get(key, float("-inf")) < REFUSAL_INTERVAL:
            return
        self._refused[key] = now
        await self._notices.say(
            group_id,
            self._registry.texts(group_id).tr(
                "Only this group's admins can use /{name}.", name=name
            ),
            ttl=REFUSAL_TTL,
            reply_to=message.id,
        )

    def forget_old(self) -> None:
        now = self._clock.now()
        for key in [k for k, at in self._refused.items() if now - at >= REFUSAL_INTERVAL]:
            del self._refused[key]
        self._limit.forget_old(now)

    async def _reply(self, group_id: int, message_id: int, text: str) -> None:
        await self._notices.say(group_id, text, reply_to=message_id)

    async def _may_configure(self, group_id: int, message: Any) -> bool:
        """The creator, an admin with the right to ban, or an anonymous admin."""
        peer = message.from_id
        if peer is None or (
            isinstance(peer, types.PeerChannel) and utils.get_peer_id(peer) == group_id
        ):
            return True
        if not isinstance(peer, types.PeerUser):
            return False
        return await configures(self._gateway, self._registry, group_id, peer.user_id)


def _actor(message: Any) -> Actor:
    """Who gave a command: a person by name, or an anonymous admin."""
    if not isinstance(message.from_id, types.PeerUser):
        return Actor(None, "")  # an anonymous admin: no name
    sender = message.sender
    username = getattr(sender, "username", None)
    name = getattr(sender, "first_name", None) or (f"@{username}" if username else None)
    return Actor(int(message.from_id.user_id), name or str(message.from_id.user_id))


async def _replied_to(message: Any) -> tuple[int, str] | None:
    """The author of the message a command replies to: (user id, name), if a person."""
    if message.reply_to is None:
        return None
    replied = await message.get_reply_message()
    if replied is None or not isinstance(replied.from_id, types.PeerUser):
        return None
    sender = await replied.get_sender()
    name = getattr(sender, "username", None)
    label = f"@{name}" if name else (getattr(sender, "first_name", None) or str(replied.sender_id))
    return int(replied.from_id.user_id), label
