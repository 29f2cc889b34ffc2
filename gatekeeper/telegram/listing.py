"""Listing a chat's members (channels.getParticipants) for the warm-up, through the pacer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telethon import TelegramClient, errors, functions, types

from gatekeeper.domain.warmup import PAGE, RECENT
from gatekeeper.services.ports import ChatUnreachable, Listed, ParticipantsPage
from gatekeeper.telegram.pacing import Pacer
from gatekeeper.telegram.participants import standing_of
from gatekeeper.telegram.peers import Peers
from gatekeeper.telegram.rpc_errors import BROKEN_LINK_ERRORS, explain


def _user_id(participant: Any) -> int | None:
    user_id = getattr(participant, "user_id", None)
    if user_id is None:  # banned and left participants name a peer
        peer = getattr(participant, "peer", None)
        user_id = peer.user_id if isinstance(peer, types.PeerUser) else None
    return int(user_id) if user_id is not None else None


class Lister:
    """Implements the `Listing` port; pages cost one request each, at the caller's priority."""

    def __init__(self, client: TelegramClient, pacer: Pacer, peers: Peers) -> None:
        self._client = client
        self._pacer = pacer
        self._peers = peers

    def flood_waits(self, method: str) -> int:
        return self._pacer.flood_waits[method]

    async def participants(self, chat_id: int, query: str, offset: int) -> ParticipantsPage:
        try:
            chat = await self._peers.input_peer(chat_id)
        except ValueError as error:
            raise ChatUnreachable("I cannot find that chat") from error
        except BROKEN_LINK_ERRORS as error:
            raise ChatUnreachable(explain(error)) from error
        listing = (
            types.ChannelParticipantsRecent()
            if query == RECENT
            else types.ChannelParticipantsSearch(query)
        )
        request = functions.channels.GetParticipantsRequest(chat, listing, offset, PAGE, hash=0)
        try:
            result = await self._pacer.run("GetParticipants", lambda: self._client(request))
        except (*BROKEN_LINK_ERRORS, errors.ChannelPublicGroupNaError) as error:
            raise ChatUnreachable(explain(error)) from error
        if not isinstance(result, types.channels.ChannelParticipants):
            return ParticipantsPage((), 0)  # "not modified": we never send a hash
        users = {int(u.id): u for u in result.users}
        members: list[Listed] = []
        for participant in result.participants:
            user_id = _user_id(participant)
            user = users.get(user_id) if user_id is not None else None
            if user_id is None or user is None:
                continue
            standing = replace(
                standing_of(participant),
                is_bot=bool(getattr(user, "bot", False)),
                access_hash=getattr(user, "access_hash", None),
            )
            members.append(Listed(user_id, standing))
        return ParticipantsPage(tuple(members), int(result.count))
