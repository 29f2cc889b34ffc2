"""Translating Telethon events into calls on the services; nothing else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from telethon import TelegramClient, events, types, utils

from gatekeeper.clock import Clock
from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.callbacks import decode_join
from gatekeeper.domain.commands import parse_command
from gatekeeper.domain.events import (
    ChannelMembershipChanged,
    MemberJoined,
    MessagePosted,
    Sender,
    SenderKind,
)
from gatekeeper.domain.i18n import N_
from gatekeeper.domain.rate_limits import Limiter, Rate
from gatekeeper.domain.safety import taken_over
from gatekeeper.domain.standing import Standing
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
from gatekeeper.telegram.languages import presser_texts
from gatekeeper.telegram.message_facts import automatic_forward, first_name, thread_of
from gatekeeper.telegram.owed import owed
from gatekeeper.telegram.participants import standing_of
from gatekeeper.telegram.private import PrivateChat
from gatekeeper.telegram.slots import Slots

log = structlog.get_logger(__name__)

GROUP_ANONYMOUS_BOT = 1087968824  # Bot API's sender of an anonymous admin's message
TELEGRAM_SERVICE = 777000  # Bot API's sender of a linked channel's automatic forward
STAND_INS = frozenset({GROUP_ANONYMOUS_BOT, TELEGRAM_SERVICE})
JOINING = frozenset({"join", "participant"})  # updates that may tell of someone joining

# Each press may cost Telegram requests (fresh checks): a raid must not spend the bot's budget.
PRESSES_PER_USER = Rate(5, 30.0)
PRESSES_OVERALL = Rate(20, 1.0)


def _service_message(event: Any) -> bool:
    """A ChatAction that came as a service message (a participant update is counted as one)."""
    return not isinstance(event.original_update, types.UpdateChannelParticipant)


def _never(event: Any) -> bool:
    return False


def joined_by_request(update: Any) -> bool:
    """A service message saying someone joined because their request was approved."""
    message = update.message
    return isinstance(message, types.MessageService) and isinstance(
        message.action, types.MessageActionChatJoinedByRequest
    )


class Handlers:
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
        self._commands = Commands(gateway, admin, notices, metrics, clock, registry)
        self._gateway = gateway
        self._registry = registry
        self._gate = gate
        self._admin = admin
        self._links = links
        self._presence = presence
        self._notices = notices
        self._metrics = metrics
        self._slots = Slots(concurrency)
        # Presses get slots of their own: an answer is due within seconds, whatever the backlog.
        self._press_slots = Slots(max(1, concurrency // 4))
        self._private = private
        self._clock = clock
        self._presses = Limiter(PRESSES_PER_USER, PRESSES_OVERALL)
        self.ready = asyncio.Event()  # set once the bot knows who it is and what it guards
        self.me_id = 0
        self.me_username: str | None = None
        self.closed = False  # once shutting down: updates are no longer taken
        self._also: list[tuple[Callable[[Any], Awaitable[None]], Any]] = []
        self._refused: list[tuple[int, int]] = []  # members of updates come after close()
        self._inflight: dict[asyncio.Task[Any], Any] = {}  # -> the update it handles

    def register(self, client: TelegramClient) -> None:
        handlers: list[tuple[Callable[[Any], Awaitable[None]], Any]] = [
            (self._guard("message", self.on_message), events.NewMessage()),
            (self._guard("edit", self.on_edit), events.MessageEdited()),
            # A join told by a participant update is counted as that update, not twice.
            (
                self._guard("join", self.on_chat_action, counts=_service_message),
                events.ChatAction(),
            ),
            (  # counted as its participant update, like the other joins
                self._guard("join", self.on_joined_by_request, counts=_never),
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
        # Telethon offers every update to every builder: the raw ones share one builder, so
        # that a message meets one type check for them rather than one per raw handler.
        raw: dict[type, list[Callable[[Any], Awaitable[None]]]] = {}
        for callback, builder in handlers:
            if isinstance(builder, events.Raw) and builder.types and builder.func is None:
                for kind in builder.types if isinstance(builder.types, tuple) else [builder.types]:
                    raw.setdefault(kind, []).append(callback)
            else:
                client.add_event_handler(callback, builder)
        if raw:

            async def route(update: Any) -> None:
                for callback in raw.get(type(update), ()):
                    await callback(update)

            client.add_event_handler(route, events.Raw(list(raw)))

    def also(
        self,
        kind: str,
        handler: Callable[[Any], Awaitable[None]],
        builder: Any,
        *,
        presses: bool = False,
        counted: bool = True,
    ) -> None:
        """Another module's handler, registered (and guarded) with these; `counted=False`
        for one that listens to updates another handler counts already."""
        slots = self._press_slots if presses else None
        counts = None if counted else _never
        self._also.append((self._guard(kind, handler, slots, counts), builder))

    def close(self) -> None:
        """Take no more updates (shutdown): those already taken still finish (`finish`); the
        members of those that come now are owed a re-check (`unfinished`), since Telegram
        counts them as delivered."""
        self.closed = True

    @property
    def busy(self) -> bool:
        return bool(self._inflight)

    def unfinished(self) -> list[tuple[int, int]]:
        """(chat id, user id) of every member an update still in hand, or refused, is about."""
        taken = (pair for event in self._inflight.values() for pair in owed(event))
        return [pair for pair in (*self._refused, *taken) if pair[1] != self.me_id]

    async def finish(self) -> None:
        """Until every update taken so far has been handled."""
        while self._inflight:
            await asyncio.gather(*list(self._inflight), return_exceptions=True)

    def _guard(
        self,
        kind: str,
        handler: Callable[[Any], Awaitable[None]],
        slots: Slots | None = None,
        counts: Callable[[Any], bool] | None = None,
    ) -> Callable[[Any], Awaitable[None]]:
        """Bound concurrency, time the handler and keep one bad update from going unnoticed;
        the update is counted in `updates_total` unless `counts` says another handler does."""
        bound = slots or self._slots
        counted = self._metrics.updates.labels(kind=kind)  # resolved once, not per update
        timed = self._metrics.handler_seconds.labels(kind=kind)

        async def guarded(event: Any) -> None:
            task = asyncio.current_task()
            if self.closed or task is None:
                self._refused.extend(owed(event))
                return
            self._inflight[task] = event  # whom it is about is worked out only if cut short
            try:
                if not self.ready.is_set():
                    await self.ready.wait()
                if not bound.try_take():
                    await bound.take()
                try:
                    if counts is None or counts(event):
                        counted.inc()
                    started = time.perf_counter()
                    try:
                        await handler(event)
                    except Exception as error:
                        if not database_away(error, kind):
                            log.exception("handler_failed", kind=kind)
                        else:  # whom it was about is looked at again once it is back
                            about = [p for p in owed(event) if p[1] != self.me_id]
                            await self._gate.owe(about, joined=kind in JOINING)
                    finally:
                        timed.observe(time.perf_counter() - started)
                finally:
                    bound.give()
            finally:
                self._inflight.pop(task, None)

        return guarded

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
        peer = message.from_id
        if message.out or (isinstance(peer, types.PeerUser) and peer.user_id == self.me_id):
            return Sender(SenderKind.SELF, self.me_id)
        if isinstance(peer, types.PeerUser) and peer.user_id in STAND_INS:
            # How the Bot API names the group's anonymous admins and its channel's
            # automatic forwards, should a server pass those on as senders.
            if peer.user_id == TELEGRAM_SERVICE:
                return Sender(SenderKind.LINKED_CHANNEL, linked_channel_id or TELEGRAM_SERVICE)
            return Sender(SenderKind.GROUP, group_id)
        if isinstance(peer, types.PeerUser):
            user_id = int(peer.user_id)
            is_bot = bool(getattr(message.sender, "bot", False))
            return Sender(
                SenderKind.USER, user_id, self._registry.is_admin(group_id, user_id), is_bot
            )
        if peer is None:
            return Sender(SenderKind.GROUP, group_id)
        marked = int(utils.get_peer_id(peer))
        if marked == group_id:
            return Sender(SenderKind.GROUP, marked)
        if marked == linked_channel_id:
            return Sender(SenderKind.LINKED_CHANNEL, marked)
        return Sender(SenderKind.OTHER_CHANNEL, marked)

    def forget_old(self) -> None:
        self._private.forget_old()
        self._commands.forget_old()
        self._presses.forget_old(self._clock.now())

    async def on_chat_action(self, event: Any) -> None:
        if not (event.user_joined or event.user_added) or not event.is_channel:
            return
        group_id = int(event.chat_id)
        if group_id not in self._registry.rules:
            return
        for user in await self._gateway.users_of(event):
            if user is None or user.id == self.me_id:
                continue
            joined = MemberJoined(group_id, int(user.id), is_bot=bool(user.bot))
            await self._gate.on_join(joined, name=getattr(user, "first_name", None))

    async def on_joined_by_request(self, update: Any) -> None:
        """An approved join request: Telethon's ChatAction does not report it, and the
        participant update that also says so may not come (or come later)."""
        message = update.message
        group_id = int(utils.get_peer_id(message.peer_id))
        user = message.from_id
        if group_id not in self._registry.rules or not isinstance(user, types.PeerUser):
            return
        if user.user_id != self.me_id:
            await self._gate.on_join(MemberJoined(group_id, int(user.user_id)))

    async def on_participant(self, update: Any) -> None:
        chat_id = int(utils.get_peer_id(types.PeerChannel(update.channel_id)))
        user_id = int(update.user_id)
        before = standing_of(update.prev_participant)
        after = standing_of(update.new_participant)
        if user_id == self.me_id:
            if chat_id in self._registry.rules:
                await self._presence.changed(chat_id, after)
            if chat_id in self._registry.groups_by_channel:
                if after.is_admin:
                    await self._links.reachable(chat_id)
                else:
                    await self._links.broken(chat_id, N_("I am no longer an admin there"))
            return
        if chat_id in self._registry.rules:
            await self._group_participant(chat_id, user_id, update, before.is_member, after)
        if self._registry.groups_by_channel.get(chat_id):
            change = ChannelMembershipChanged(chat_id, user_id, before.is_member, after.is_member)
            await self._gate.on_channel_change(change)

    async def _group_participant(
        self, group_id: int, user_id: int, update: Any, was_member: bool, after: Standing
    ) -> None:
        self._registry.set_admin(group_id, user_id, after.is_admin)
        restriction = self._registry.restriction(group_id, user_id)
        if restriction is not None and update.actor_id not in (self.me_id, user_id):
            banned = (types.ChannelParticipantBanned,)
            if taken_over(
                actor_id=update.actor_id,
                user_id=user_id,
                bot_id=self.me_id,
                after=after,
                rights_touched=isinstance(update.prev_participant, banned)
                or isinstance(update.new_participant, banned),
            ):
                await self._registry.drop_restriction(group_id, user_id)
                self._metrics.decision("release_taken_over")
                log.info("restriction_taken_over", group_id=group_id, user_id=user_id)
            return
        if after.is_member and not was_member:
            await self._gate.on_join(MemberJoined(group_id, user_id, is_admin=after.is_admin))

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
