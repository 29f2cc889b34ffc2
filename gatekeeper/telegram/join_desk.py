"""Join requests at Telegram: approving, declining, and writing to a requester privately.

Beside the gateway (same pacer, same stored access hashes); the services see it as `JoinDesk`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telethon import TelegramClient, errors, functions, types

from gatekeeper.domain.callbacks import NoticeButtons
from gatekeeper.services.ports import (
    ChatUnreachable,
    PrivateRefused,
    RequestGone,
    TooManyChats,
)
from gatekeeper.telegram.keyboards import notice_buttons
from gatekeeper.telegram.pacing import Pacer
from gatekeeper.telegram.peers import Peers
from gatekeeper.telegram.refusals import refusal
from gatekeeper.telegram.rpc_errors import BROKEN_LINK_ERRORS, explain

# Telegram's word when a request is no longer there to handle.
_GONE: tuple[type[Exception], ...] = (
    errors.HideRequesterMissingError,  # approved or declined by someone else, or withdrawn
    errors.UserAlreadyParticipantError,
    errors.InputUserDeactivatedError,
    errors.UserIdInvalidError,
)


def _refusal(error: Exception) -> str:
    if isinstance(error, errors.UserIsBlockedError):
        return "they have blocked me"
    if isinstance(error, errors.InputUserDeactivatedError):
        return "their account is deleted"
    if isinstance(error, errors.PeerIdInvalidError):
        return "Telegram does not let me write to them (PEER_ID_INVALID)"
    return f"I cannot reach them ({error})"


class JoinDeskGateway:
    def __init__(self, client: TelegramClient, pacer: Pacer, known: Mapping[int, int]) -> None:
        self._client = client
        self._pacer = pacer
        self._peers = Peers(self._lookup, known)

    async def _lookup(self, peer: int) -> Any:
        return await self._pacer.run(
            "GetInputEntity", lambda: self._client.get_input_entity(peer), cached=True
        )

    async def _peer(self, peer_id: int, unknown: Exception) -> Any:
        try:
            return await self._peers.input_peer(peer_id)
        except ValueError:
            raise unknown from None
        except BROKEN_LINK_ERRORS as error:
            raise ChatUnreachable(explain(error)) from error

    async def _hide(self, chat_id: int, user_id: int, approved: bool) -> None:
        chat = await self._peer(chat_id, ChatUnreachable("I cannot find that chat"))
        user = await self._peer(user_id, RequestGone(f"unknown user {user_id}"))
        request = functions.messages.HideChatJoinRequestRequest(chat, user, approved=approved)
        try:
            await self._pacer.run("HideChatJoinRequest", lambda: self._client(request))
        except _GONE as error:
            raise RequestGone(str(error)) from error
        except (errors.UserChannelsTooMuchError, errors.ChannelsTooMuchError) as error:
            raise TooManyChats(str(error)) from error
        except (*BROKEN_LINK_ERRORS, errors.RightForbiddenError) as error:
            raise ChatUnreachable(explain(error)) from error

    async def approve(self, chat_id: int, user_id: int) -> None:
        await self._hide(chat_id, user_id, True)

    async def decline(self, chat_id: int, user_id: int) -> None:
        await self._hide(chat_id, user_id, False)

    async def answer_query(self, query_id: int, approve: bool) -> None:
        result = types.JoinChatBotResultApproved() if approve else types.JoinChatBotResultQueued()
        request = functions.bots.SetJoinChatResultsRequest(query_id, result)
        try:
            await self._pacer.run("SetJoinChatResults", lambda: self._client(request))
        except errors.QueryIdInvalidError as error:
            raise RequestGone(str(error)) from error
        except (errors.UserChannelsTooMuchError, errors.ChannelsTooMuchError) as error:
            raise TooManyChats(str(error)) from error

    async def write(self, user_id: int, text: str, buttons: NoticeButtons) -> int:
        user = await self._peer(user_id, PrivateRefused("I do not know how to reach them"))
        keyboard = notice_buttons(buttons)
        try:
            message = await self._pacer.run(
                "SendMessage",
                lambda: self._client.send_message(
                    user, text, buttons=keyboard, link_preview=False, parse_mode="html"
                ),
            )
        except errors.RPCError as error:
            if refusal(error) is None:
                raise
            raise PrivateRefused(_refusal(error)) from error
        return int(message.id)
