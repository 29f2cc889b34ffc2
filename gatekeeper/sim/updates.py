"""Update sequencing (channel pts, bot pts/qts), delivery to connected clients, differences."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telethon.tl import types

from gatekeeper.sim.entities import entities_for, to_datetime
from gatekeeper.sim.world import ChatState, World

if TYPE_CHECKING:
    from gatekeeper.clock import Clock
    from gatekeeper.sim.sender import SimSender

UpdateFactory = Callable[[int], Any]
"""Builds one TL update as seen by the given viewer (bot) id."""


class UpdateHub:
    """Numbers every update as Telegram does and pushes it to each bot that may see it."""

    def __init__(self, world: World, clock: Clock) -> None:
        self.world = world
        self.clock = clock
        self.connected: list[SimSender] = []
        self.withheld: set[str] = set()  # update type names not pushed (Faults.withhold)

    # -- who sees what -------------------------------------------------------------
    def bots_in(self, chat: ChatState) -> list[int]:
        return [
            uid
            for uid in chat.participants
            if self.world.users[uid].is_bot and chat.is_participant(uid)
        ]

    def admin_bots_in(self, chat: ChatState) -> list[int]:
        return [uid for uid in self.bots_in(chat) if chat.role(uid).is_admin]

    # -- numbering ----------------------------------------------------------------
    def channel_event(
        self,
        chat: ChatState,
        make: Callable[[int, int], UpdateFactory],
        count: int = 1,
        skip_bot: int | None = None,
    ) -> UpdateFactory:
        """Bump the chat's pts by ``count``; ``make(pts, count)`` returns the update factory."""
        chat.pts += count
        factory = make(chat.pts, count)
        chat.log.append((chat.pts, factory))
        for bot_id in self.bots_in(chat):
            if bot_id != skip_bot:
                self.push(bot_id, [factory(bot_id)])
        return factory

    def qts_event(self, bot_id: int, make: Callable[[int], Any]) -> Any:
        bot = self.world.users[bot_id]
        bot.qts += 1
        update = make(bot.qts)
        bot.qts_log.append((bot.qts, update))
        self.push(bot_id, [update])
        return update

    def private_event(self, bot_id: int, make: Callable[[int], Any], push: bool = True) -> Any:
        bot = self.world.users[bot_id]
        bot.pts += 1
        update = make(bot.pts)
        bot.private_log.append((bot.pts, update))
        if push:
            self.push(bot_id, [update])
        return update

    # -- delivery -----------------------------------------------------------------
    def container(self, bot_id: int, updates: list[Any]) -> Any:
        users, chats = entities_for(self.world, updates, bot_id)
        return types.Updates(updates=updates, users=users, chats=chats, date=self.now_dt(), seq=0)

    def push(self, bot_id: int, updates: list[Any]) -> None:
        if self.withheld:
            updates = [u for u in updates if type(u).__name__ not in self.withheld]
            if not updates:
                return
        for sender in list(self.connected):
            if sender.account_id == bot_id:
                sender.deliver(self.container(bot_id, updates))

    def now_dt(self) -> Any:
        return to_datetime(self.clock.now())

    # -- state and difference -----------------------------------------------------
    def state(self, bot_id: int) -> Any:
        bot = self.world.users[bot_id]
        return types.updates.State(
            pts=bot.pts, qts=bot.qts, date=self.now_dt(), seq=0, unread_count=0
        )

    def difference(self, bot_id: int, pts: int, qts: int) -> Any:
        bot = self.world.users[bot_id]
        messages = [u.message for p, u in bot.private_log if p > pts]
        other: list[Any] = [_without_qts(u) for q, u in bot.qts_log if q > qts]
        for chat in self.world.chats.values():
            if chat.is_participant(bot_id) and chat.log:
                other.append(types.UpdateChannelTooLong(channel_id=chat.id, pts=chat.pts))
        if not messages and not other:
            return types.updates.DifferenceEmpty(date=self.now_dt(), seq=0)
        users, chats = entities_for(self.world, [*messages, *other], bot_id)
        return types.updates.Difference(
            new_messages=messages,
            new_encrypted_messages=[],
            other_updates=other,
            chats=chats,
            users=users,
            state=self.state(bot_id),
        )

    def channel_difference(self, bot_id: int, chat: ChatState, pts: int) -> Any:
        if pts >= chat.pts:
            return types.updates.ChannelDifferenceEmpty(pts=chat.pts, final=True)
        new_messages: list[Any] = []
        other: list[Any] = []
        for p, factory in chat.log:
            if p <= pts:
                continue
            update = factory(bot_id)
            if isinstance(update, types.UpdateNewChannelMessage):
                new_messages.append(update.message)
            else:
                other.append(update)
        users, chats = entities_for(self.world, [*new_messages, *other], bot_id)
        if chat.id not in {c.id for c in chats}:
            chats = [*chats, *entities_for(self.world, [types.PeerChannel(chat.id)], bot_id)[1]]
        return types.updates.ChannelDifference(
            pts=chat.pts,
            new_messages=new_messages,
            other_updates=other,
            chats=chats,
            users=users,
            final=True,
        )


def _without_qts(update: Any) -> Any:
    """A qts update as getDifference returns it: with qts=0 (the difference's state carries the
    new qts; seen from Telegram in LonamiWebs/Telethon#3041), so clients apply it as it comes."""
    caught_up = copy.copy(update)
    caught_up.qts = 0
    return caught_up
