"""The gateway's questions about chats: what a chat is, its linked chat, its invite links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from telethon import errors, functions, types, utils

from gatekeeper.domain.i18n import N_
from gatekeeper.services.ports import ChatInfo, ChatUnreachable
from gatekeeper.telegram.calls import Calls
from gatekeeper.telegram.rpc_errors import BROKEN_LINK_ERRORS, explain

log = structlog.get_logger(__name__)

CHANNELS_PER_REQUEST = 100  # channels.getChannels takes a list of channels


def _channel_info(entity: types.Channel) -> ChatInfo:
    return ChatInfo(
        id=utils.get_peer_id(entity),
        title=entity.title,
        username=(entity.username or None),
        broadcast=bool(entity.broadcast),
        megagroup=bool(entity.megagroup),
        kind="channel" if entity.broadcast else "supergroup",
        join_to_send=bool(entity.join_to_send),
    )


class ChatQueries(Calls):
    async def chat_info(self, chat: int | str) -> ChatInfo:
        """What a chat is, by marked id or @username; ChatUnreachable if the bot cannot see it."""
        try:
            entity = await self._call("GetEntity", lambda: self.client.get_entity(chat))
        except (
            *BROKEN_LINK_ERRORS,
            errors.UsernameNotOccupiedError,
            errors.UsernameInvalidError,
            errors.ChatIdInvalidError,  # a basic group's id that does not exist
        ):
            raise ChatUnreachable(N_("no such channel, or I cannot see it")) from None
        except ValueError:
            raise ChatUnreachable(N_("no such channel, or I cannot see it")) from None
        if isinstance(entity, types.User):
            name = " ".join(filter(None, (entity.first_name, entity.last_name))) or "someone"
            kind = "bot" if entity.bot else "user"
            return ChatInfo(int(entity.id), name, entity.username, False, False, kind=kind)
        if isinstance(entity, types.Chat | types.ChatForbidden):
            peer = utils.get_peer_id(entity)
            return ChatInfo(peer, entity.title, None, False, False, kind="basic_group")
        if not isinstance(entity, types.Channel):
            raise ChatUnreachable(N_("that is not a channel"))
        return _channel_info(entity)

    async def linked_chat(self, chat_id: int) -> int | None:
        """The marked id of the discussion group/channel linked to this chat, if any."""
        request = functions.channels.GetFullChannelRequest(await self._input_chat(chat_id))
        try:
            full = await self._call("GetFullChannel", lambda: self.client(request))
        except BROKEN_LINK_ERRORS as error:
            raise ChatUnreachable(explain(error)) from error
        linked = getattr(full.full_chat, "linked_chat_id", None)
        return utils.get_peer_id(types.PeerChannel(linked)) if linked else None

    async def channels_info(self, chat_ids: Sequence[int]) -> dict[int, ChatInfo]:
        """Fresh title, username and kind of each chat the bot can see (batched requests);
        chats it cannot see are left out."""
        found: dict[int, ChatInfo] = {}
        for start in range(0, len(chat_ids), CHANNELS_PER_REQUEST):
            batch = list(chat_ids[start : start + CHANNELS_PER_REQUEST])
            for entity in await self._entities(batch):
                if isinstance(entity, types.Channel):
                    found[utils.get_peer_id(entity)] = _channel_info(entity)
        return found

    async def _entities(self, batch: list[int]) -> list[Any]:
        peers: list[Any] = []
        for chat_id in batch:
            try:
                peers.append(await self.peers.input_peer(chat_id))
            except ValueError as error:  # neither the session nor storage can name it
                log.info("channels_unknown", chat_id=chat_id, reason=str(error))
        if not peers:
            return []

        async def read() -> list[Any]:
            return list(await self.client.get_entity(peers))

        try:
            return await self._call("GetChannels", read)
        except BROKEN_LINK_ERRORS as error:
            log.info("channels_unreadable", chats=batch, reason=explain(error))
        return []

    async def invite_revoked(self, chat_id: int, link: str) -> bool:
        """Whether an invite link the bot made no longer works (revoked or expired)."""
        try:
            chat = await self._input_chat(chat_id)
        except ChatUnreachable as error:
            log.info("invite_unreadable", chat_id=chat_id, reason=str(error))
            return False
        request = functions.messages.GetExportedChatInviteRequest(chat, link)
        try:
            found = await self._call("GetExportedChatInvite", lambda: self.client(request))
        except (errors.InviteHashExpiredError, errors.InviteHashInvalidError):
            return True
        except (*BROKEN_LINK_ERRORS, errors.RightForbiddenError) as error:
            log.info("invite_unreadable", chat_id=chat_id, reason=explain(error))
            return False
        invite = found.invite
        return bool(
            getattr(invite, "revoked", False)
            or (
                getattr(invite, "expire_date", None)
                and invite.expire_date.timestamp() <= self._clock.now()
            )
        )

    async def export_invite(self, chat_id: int) -> str | None:
        try:
            request = functions.messages.ExportChatInviteRequest(await self._input_chat(chat_id))
            invite = await self._call("ExportChatInvite", lambda: self.client(request))
        except ChatUnreachable as error:
            log.info("invite_refused", chat_id=chat_id, reason=str(error))
            return None
        except (*BROKEN_LINK_ERRORS, errors.RightForbiddenError) as error:
            log.info("invite_refused", chat_id=chat_id, reason=explain(error))
            return None
        link = getattr(invite, "link", None)
        return str(link) if link else None
