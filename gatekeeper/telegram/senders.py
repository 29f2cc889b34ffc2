"""Who a group's message is from, as the domain sees it: the bot, a member, the group
itself (an anonymous admin), its linked channel or another channel."""

from __future__ import annotations

from typing import Any

from telethon import types, utils

from gatekeeper.domain.events import Sender, SenderKind
from gatekeeper.services.registry import Registry

GROUP_ANONYMOUS_BOT = 1087968824  # Bot API's sender of an anonymous admin's message
TELEGRAM_SERVICE = 777000  # Bot API's sender of a linked channel's automatic forward
STAND_INS = frozenset({GROUP_ANONYMOUS_BOT, TELEGRAM_SERVICE})


def sender_of(
    message: Any, group_id: int, linked_channel_id: int | None, me_id: int, registry: Registry
) -> Sender:
    peer = message.from_id
    if message.out or (isinstance(peer, types.PeerUser) and peer.user_id == me_id):
        return Sender(SenderKind.SELF, me_id)
    if isinstance(peer, types.PeerUser) and peer.user_id in STAND_INS:
        # How the Bot API names the group's anonymous admins and its channel's
        # automatic forwards, should a server pass those on as senders.
        if peer.user_id == TELEGRAM_SERVICE:
            return Sender(SenderKind.LINKED_CHANNEL, linked_channel_id or TELEGRAM_SERVICE)
        return Sender(SenderKind.GROUP, group_id)
    if isinstance(peer, types.PeerUser):
        user_id = int(peer.user_id)
        is_bot = bool(getattr(message.sender, "bot", False))
        return Sender(SenderKind.USER, user_id, registry.is_admin(group_id, user_id), is_bot)
    if peer is None:
        return Sender(SenderKind.GROUP, group_id)
    marked = int(utils.get_peer_id(peer))
    if marked == group_id:
        return Sender(SenderKind.GROUP, marked)
    if marked == linked_channel_id:
        return Sender(SenderKind.LINKED_CHANNEL, marked)
    return Sender(SenderKind.OTHER_CHANNEL, marked)
