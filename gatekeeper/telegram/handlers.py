"""Translating Telethon events into calls on the services; nothing else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telethon import TelegramClient, events, types, utils

from gatekeeper.clock import Clock
from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.callbacks import decode_join
from gatekeeper.domain.commands import parse_command
from gatekeeper.domain.events import MessagePosted, Sender, SenderKind
from gatekeeper.domain.rate_limits import Limiter, Rate
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.admin import Admin
from gatekeeper.services.gate import Gate
from gatekeeper.services.links import LinkHealth
from gatekeeper.services.notices import Notices
from gatekeeper.services.presence import Presence
from gatekeeper.services.registry import Registry
from gatekeeper.telegram import answers
from gatekeeper.telegram.commands import Commands
from gatekeeper.telegram.database_away import TRY_AGAIN, database_away
from gatekeeper.telegram.gateway import Gateway
from gatekeeper.telegram.intake import Intake, add_handlers, never
from gatekeeper.telegram.languages import presser_texts
from gatekeeper.telegram.member_updates import MemberUpdates, joined_by_request, service_message
from gatekeeper.telegram.message_facts import automatic_forward, first_name, thread_of
from gatekeeper.telegram.private import PrivateChat
from gatekeeper.telegram.senders import sender_of

# Each press may cost Telegram requests (fresh checks): a raid must not spend the bot's budget.
PRESSES_PER_USER = Rate(5, 30.0)
PRESSES_OVERALL = Rate(20, 1.0)


class Handlers(Intake, MemberUpdates):
    """Registers the bot's event handlers on a client and turns each event into a service call."""

    def __init__(
        self,
        *,
        gateway: Gateway,
        registry: Registry,
        gate: Gate,
        admin: Admin,
        links: LinkHealth,
        presence: Presence,
        notices: Notices,
        metrics: Metrics,
        clock: Clock,
        concurrency: int,
        private: PrivateChat,
    ) -> None:
        super().__init__(metrics, concurrency, gate)
        self._commands = Commands(gateway, admin, notices, metrics, clock, registry)
        self._gateway = gateway
        self._registry = registry
        self._admin = admin
        self._links = links
        self._presence = presence
        self._notices = notices
        self._private = private
        self._clock = clock
        self._presses = Limiter(PRESSES_PER_USER, PRESSES_OVERALL)
        self.me_username: str | None = None

    def register(self, client: TelegramClient) -> None:
        handlers: list[tuple[Callable[[Any], Awaitable[None]], Any]] = [
            (self._guard("message", self.on_message), events.NewMessage()),
            (self._guard("edit", self.on_edit), events.MessageEdited()),
            # A join told by a participant update is counted as that update, not twice.
            (
                self._guard("join", self.on_chat_action, counts=service_message),
                events.ChatAction(),
            ),
            (  # counted as its participant update, like the other joins
                self._guard("join", self.on_joined_by_request, counts=never),
                events.Raw(types.UpdateNewChannelMessage, func=joined_by_request),
            ),
            (
                self._guard("participant", self.on_participant),
                events.Raw(types.UpdateChannelParticipant),
            ),
            (
                self._guard("callback", self.on_callback, self._press_slots),
                events.CallbackQuery(func=lambda e: decode_join(e.data) is None),
            ),
            (self._guard("channel", self.on_channel_changed), events.Raw(types.UpdateChannel)),
            *self._also,
        ]
        add_handlers(client, handlers)

    async def on_edit(self, event: Any) -> None:
        """An edit is checked like a new message (a kept message may be rewritten into spam);
        commands are not run again."""
        if event.is_private or not event.is_group or not event.is_channel:
            return
        rules = self._registry.rules.get(int(event.chat_id))
        if rules is None:
            return
        message = event.message
        sender = self._sender_of(message, rules.group_id, rules.linked_channel_id)
        if sender.kind is SenderKind.OTHER_CHANNEL and automatic_forward(message):
            return  # the linked channel edited its post: its copy in the group is edited too
        posted = MessagePosted(rules.group_id, int(message.id), sender)
        thread = thread_of(message, rules.linked_channel_id is not None)
        await self._gate.on_message(posted, name=first_name(message), thread=thread)

    async def on_message(self, event: Any) -> None:
        message = event.message
        peer = message.from_id
        if (
            type(peer) is types.PeerUser
            and not message.out
            and not (message.message or "").startswith("/")
            and self._gate.lets_through(int(event.chat_id), int(peer.user_id))
        ):
            return  # the hot path: a member the gate has nothing to say to, nothing built
        if event.is_private:
            if not message.out:
                await self._private.on_message(event)
            return
        if not event.is_group or not event.is_channel:
            return  # basic groups and broadcast channels are not protected
        group_id = int(event.chat_id)
        text = message.message or ""
        command = parse_command(text, self.me_username) if text.startswith("/") else None
        rules = self._registry.rules.get(group_id)
        sender = self._sender_of(message, group_id, rules.linked_channel_id if rules else None)
        if command is not None and (sender.kind is SenderKind.GROUP or sender.is_admin):
            await self._commands.handle(event, command.name, command.args)
            return
        if rules is not None:
            if sender.kind is SenderKind.OTHER_CHANNEL and automatic_forward(message):
                # A channel linked to the group after it was protected: look again.
                linked = await self._admin.refresh_linked(group_id)
                sender = self._sender_of(message, group_id, linked)
            posted = MessagePosted(group_id, int(message.id), sender)
            thread = thread_of(message, rules.linked_channel_id is not None)
            await self._gate.on_message(posted, name=first_name(message), thread=thread)
        speaks = sender.kind is SenderKind.USER and not sender.is_bot
        if (
            command is not None
            and speaks
            and not self._registry.restriction(group_id, sender.peer_id)
        ):
            await self._commands.handle(event, command.name, command.args)

    def _sender_of(self, message: Any, group_id: int, linked_channel_id: int | None) -> Sender:
        return sender_of(message, group_id, linked_channel_id, self.me_id, self._registry)

    def forget_old(self) -> None:
        self._private.forget_old()
        self._commands.forget_old()
        self._presses.forget_old(self._clock.now())

    async def on_channel_changed(self, update: Any) -> None:
        """Telegram says a chat changed (title, username, ...): re-read it if it is linked."""
        chat_id = int(utils.get_peer_id(types.PeerChannel(update.channel_id)))
        if self._registry.groups_by_channel.get(chat_id):
            await self._links.refresh([chat_id])

    async def on_callback(self, event: Any) -> None:
        if event.is_private:
            await self._private.on_callback(event)
            return
        answer = VerifyAnswer(AnswerKind.FAILED)
        t = presser_texts(self._registry, event)
        away = False
        try:
            if not event.is_channel:
                await self._gateway.answer(event, t.tr(answers.OUTSIDE_A_GROUP))
                self._metrics.button_press("wrong_chat")
                return
            if not self._presses.allow(int(event.sender_id), self._clock.now()):
                self._metrics.decision("press_limited")
                answer = VerifyAnswer(AnswerKind.TOO_SOON)
                return
            answer = await self._gate.on_verify(
                int(event.chat_id), int(event.sender_id), event.data
            )
        except Exception as error:
            away = database_away(error, "callback", user_id=event.sender_id)
            if not away:
                raise
        finally:
            if event.is_channel and away:
                self._metrics.button_press("database_away")
                await self._gateway.answer(event, t.tr(TRY_AGAIN), alert=True)
            elif event.is_channel:
                self._metrics.button_press(str(answer.kind))
                await self._gateway.answer(
                    event, answers.text_of(answer, t), alert=answer.kind.alert
                )
