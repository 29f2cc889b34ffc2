"""The sim's messages: posted, edited, deleted, sent in private, pressed; each emits the updates
Telegram would."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telethon.tl import types

from gatekeeper.sim.entities import message_tl
from gatekeeper.sim.topics import topic_of
from gatekeeper.sim.updates import UpdateFactory, UpdateHub
from gatekeeper.sim.world import CallbackQuery, ChatState, SimMessage, World

if TYPE_CHECKING:
    from gatekeeper.clock import Clock


class MessageOps:
    def __init__(self, world: World, hub: UpdateHub, clock: Clock) -> None:
        self.world = world
        self.hub = hub
        self.clock = clock

    def now(self) -> int:
        return int(self.clock.now())

    def post(self, chat: ChatState, msg: SimMessage, skip_bot: int | None = None) -> UpdateFactory:
        msg.id = chat.next_msg_id
        chat.next_msg_id += 1
        msg.chat_id = chat.id
        msg.post = chat.broadcast
        msg.topic = topic_of(chat, msg.reply_to)
        chat.messages[msg.id] = msg

        def make(pts: int, count: int) -> UpdateFactory:
            return lambda viewer: types.UpdateNewChannelMessage(message_tl(msg, viewer), pts, count)

        factory = self.hub.channel_event(chat, make, skip_bot=skip_bot)
        if chat.broadcast and chat.linked_chat_id is not None and msg.action is None:
            group = self.world.chats[chat.linked_chat_id]
            fwd = replace(
                msg,
                buttons=[],
                sender_user_id=None,
                sender_chat_id=chat.id,
                fwd_from_chat_id=chat.id,
                fwd_from_msg_id=msg.id,
            )
            self.post(group, fwd)
        return factory

    def edit(self, chat: ChatState, msg: SimMessage, skip_bot: int | None = None) -> UpdateFactory:
        msg.edit_date = self.now()

        def make(pts: int, count: int) -> UpdateFactory:
            return lambda viewer: types.UpdateEditChannelMessage(
                message_tl(msg, viewer), pts, count
            )

        return self.hub.channel_event(chat, make, skip_bot=skip_bot)

    def delete(
        self, chat: ChatState, ids: list[int], skip_bot: int | None = None
    ) -> tuple[int, int]:
        """Delete the existing ``ids``; returns (pts, pts_count) for messages.affectedMessages."""
        gone = [i for i in ids if chat.messages.pop(i, None) is not None]
        if not gone:
            return chat.pts, 0

        def make(pts: int, count: int) -> UpdateFactory:
            return lambda viewer: types.UpdateDeleteChannelMessages(chat.id, list(gone), pts, count)

        self.hub.channel_event(chat, make, count=len(gone), skip_bot=skip_bot)
        return chat.pts, len(gone)

    def private_message(
        self, bot_id: int, user_id: int, text: str, from_bot: bool, **extra: Any
    ) -> SimMessage:
        bot = self.world.users[bot_id]
        msg = SimMessage(
            id=bot.next_private_msg_id,
            chat_id=user_id,
            date=self.now(),
            text=text,
            sender_user_id=bot_id if from_bot else user_id,
            private=True,
            **extra,
        )
        bot.next_private_msg_id += 1
        self.world.private.setdefault((bot_id, user_id), []).append(msg)
        self.hub.private_event(
            bot_id,
            lambda pts: types.UpdateNewMessage(message_tl(msg, bot_id), pts, 1),
            push=not from_bot,
        )
        return msg

    def press(self, user_id: int, bot_id: int, msg: SimMessage, data: bytes) -> CallbackQuery:
        query = CallbackQuery(
            id=self.world.new_random_id(),
            user_id=user_id,
            bot_id=bot_id,
            chat_id=msg.chat_id,
            private=msg.private,
            msg_id=msg.id,
            data=data,
            date=self.clock.now(),
        )
        self.world.queries[query.id] = query
        peer: Any = types.PeerUser(msg.chat_id) if msg.private else types.PeerChannel(msg.chat_id)
        update = types.UpdateBotCallbackQuery(
            query_id=query.id,
            user_id=user_id,
            peer=peer,
            msg_id=msg.id,
            chat_instance=msg.chat_id * 7919 % (2**62),
            data=data,
        )
        self.hub.push(bot_id, [update])
        return query
