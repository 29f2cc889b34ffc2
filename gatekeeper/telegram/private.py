"""Private chats with the bot: the guide, a member's own view, and the settings panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from telethon import errors

from gatekeeper.clock import Clock
from gatekeeper.domain import panel, self_help
from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.commands import parse_command
from gatekeeper.domain.events import Actor
from gatekeeper.domain.i18n import Texts
from gatekeeper.domain.keyboard import Keyboard
from gatekeeper.domain.rate_limits import Limiter, Rate
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.panel import Panel
from gatekeeper.services.ports import FloodWaited
from gatekeeper.services.registry import Registry
from gatekeeper.services.self_help import SelfHelp
from gatekeeper.telegram import answers, texts
from gatekeeper.telegram.database_away import TRY_AGAIN, database_away
from gatekeeper.telegram.gateway import Gateway
from gatekeeper.telegram.keyboards import inline
from gatekeeper.telegram.languages import lang_code
from gatekeeper.telegram.private_replies import PrivateReplies
from gatekeeper.telegram.refusals import refusal

log = structlog.get_logger(__name__)

# Presses in private cost Telegram requests too (fresh checks, an edit): bounded per user.
PRESSES_PER_USER = Rate(20, 60.0)


class PrivateChat:
    def __init__(
        self,
        gateway: Gateway,
        self_help: SelfHelp,
        settings_panel: Panel,
        metrics: Metrics,
        clock: Clock,
        username: Callable[[], str | None],
        registry: Registry,
    ) -> None:
        self._username = username  # the bot's, known once logged in
        self._registry = registry
        self._gateway = gateway
        self._self_help = self_help
        self._panel = settings_panel
        self._metrics = metrics
        self._clock = clock
        self._replies = PrivateReplies(clock)
        self._presses = Limiter(PRESSES_PER_USER)

    async def on_message(self, event: Any) -> None:
        user_id = int(event.sender_id or 0)
        if not self._replies.allow(user_id):
            self._metrics.decision("private_throttled")
            return
        text = event.message.message or ""
        by = Actor(user_id, getattr(event.sender, "first_name", None) or str(user_id))
        command = parse_command(text, self._username())
        t = self._registry.library.texts(lang_code(event.sender))  # the user's own language
        name, args = (command.name, command.args) if command else (None, ())
        try:
            try:
                reply = await self._reply(by, text, name, args, t)
            except Exception as error:  # a change typed for the panel is typed again later
                if not database_away(error, "private", user_id=user_id):
                    raise
                reply = t.tr(TRY_AGAIN), ()
            await self._send(event, *reply)
        except FloodWaited as error:
            log.warning("private_reply_dropped", reason=str(error))

    async def _reply(
        self, by: Actor, text: str, name: str | None, args: tuple[str, ...], t: Texts
    ) -> tuple[str, Keyboard]:
        user_id = by.user_id or 0
        payload = args[0] if args else ""
        if name is None:
            typed = await self._panel.typed(by, text, t)
            if typed is not None:
                reply, (view, keyboard) = typed
                return f"{reply}\n\n{view}".strip(), keyboard
            return t.tr(texts.PRIVATE_HINT), ()
        if name == "cancel":
            cancelled = self._panel.cancel(user_id)
            return (t.tr("Cancelled.") if cancelled else t.tr(texts.PRIVATE_HINT)), ()
        if name == "settings" or (name == "start" and payload == panel.START_PAYLOAD):
            return await self._panel.start(user_id, t)
        muted = bool(self._self_help.muted(user_id))
        if name == "status" or (name == "start" and (payload == self_help.START_PAYLOAD or muted)):
            return self._self_help.view(user_id, t)
        if name in ("start", "help"):
            return t.tr(texts.HELP) + "\n" + t.tr(texts.HELP_MORE), ()
        return t.tr(texts.PRIVATE_HINT), ()

    async def on_callback(self, event: Any) -> None:
        """A press in the private chat: the member's own re-check, or the settings panel."""
        user_id = int(event.sender_id)
        sender = await event.get_sender()
        t = self._registry.library.texts(lang_code(sender))
        if not self._presses.allow(user_id, self._clock.now()):
            self._metrics.button_press("private_limited")
            await self._gateway.answer(event, answers.text_of(VerifyAnswer(AnswerKind.TOO_SOON), t))
            return
        data = bytes(event.data or b"")
        try:
            if data == self_help.CHECK_ALL:
                self._metrics.button_press("self_check")
                answer, view = await self._self_help.check_all(user_id, t)
                await self._gateway.answer(event, answer, alert=True)
            elif panel.decode(data) is not None:
                self._metrics.button_press("panel")
                by = Actor(user_id, getattr(sender, "first_name", None) or str(user_id))
                answer, changed = await self._panel.press(by, data, t)
                await self._gateway.answer(event, answer)
                if changed is None:
                    return
                view = changed
            else:
                await self._gateway.answer(event, t.tr(answers.OUTSIDE_A_GROUP))
                return
        except FloodWaited:
            later = answers.text_of(VerifyAnswer(AnswerKind.CHECK_LATER), t)
            await self._gateway.answer(event, later)
            return
        except Exception as error:  # the panel or the view stays as it was: pressed again later
            if not database_away(error, "private_callback", user_id=user_id):
                raise
            self._metrics.button_press("database_away")
            await self._gateway.answer(event, t.tr(TRY_AGAIN), alert=True)
            return
        await self._edit(event, *view)

    async def _send(self, event: Any, text: str, keyboard: Keyboard) -> None:
        try:
            await self._gateway.pacer.run(
                "SendMessage",
                lambda: event.respond(text, buttons=inline(keyboard), link_preview=False),
            )
        except errors.RPCError as error:
            if refusal(error) is None:
                raise
            log.info("send_refused", chat_id=getattr(event, "chat_id", None), reason=refusal(error))

    async def _edit(self, event: Any, text: str, keyboard: Keyboard) -> None:
        """The panel or view, changed in place (the message the press came from)."""
        try:
            await self._gateway.pacer.run(
                "EditMessage",
                lambda: event.edit(text, buttons=inline(keyboard), link_preview=False),
            )
        except errors.MessageNotModifiedError:
            pass
        except errors.RPCError as error:
            if refusal(error) is None:
                raise
            log.info("edit_refused", chat_id=getattr(event, "chat_id", None), reason=refusal(error))

    def forget_old(self) -> None:
        self._presses.forget_old(self._clock.now())
        self._panel.forget_old()
