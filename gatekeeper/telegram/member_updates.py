"""Who joined, left or changed in a chat, from Telethon's updates: joins (however Telegram
tells them), participant updates (the bot's own included) and what they mean to the gate."""

from __future__ import annotations

from typing import Any

import structlog
from telethon import types, utils

from gatekeeper.domain.events import ChannelMembershipChanged, MemberJoined
from gatekeeper.domain.i18n import N_
from gatekeeper.domain.safety import taken_over
from gatekeeper.domain.standing import Standing
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.gate import Gate
from gatekeeper.services.links import LinkHealth
from gatekeeper.services.presence import Presence
from gatekeeper.services.registry import Registry
from gatekeeper.telegram.gateway import Gateway
from gatekeeper.telegram.participants import standing_of

log = structlog.get_logger(__name__)


def service_message(event: Any) -> bool:
    """A ChatAction that came as a service message (a participant update is counted as one)."""
    return not isinstance(event.original_update, types.UpdateChannelParticipant)


def joined_by_request(update: Any) -> bool:
    """A service message saying someone joined because their request was approved."""
    message = update.message
    return isinstance(message, types.MessageService) and isinstance(
        message.action, types.MessageActionChatJoinedByRequest
    )


class MemberUpdates:
    """The handlers of joins and participant updates; Handlers gives them what they use."""

    _gateway: Gateway
    _registry: Registry
    _gate: Gate
    _links: LinkHealth
    _presence: Presence
    _metrics: Metrics
    me_id: int

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
