"""The port's implementation, with the only code that calls Telegram: members are asked about
and restricted here, chats in chats.py, messages in messages.py, every request through calls.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telethon import errors, functions, types

from gatekeeper.domain.model import BannedRights
from gatekeeper.domain.standing import NOT_MEMBER, Standing
from gatekeeper.services.ports import ChatInfo as ChatInfo
from gatekeeper.services.ports import ChatUnreachable as ChatUnreachable
from gatekeeper.services.ports import FloodWaited as FloodWaited
from gatekeeper.services.ports import UserUnreachable as UserUnreachable
from gatekeeper.telegram.chats import ChatQueries
from gatekeeper.telegram.messages import Messages
from gatekeeper.telegram.participants import standing_of, to_chat_banned_rights
from gatekeeper.telegram.rpc_errors import BROKEN_LINK_ERRORS, USER_ERRORS, explain


class Gateway(ChatQueries, Messages):
    async def standing(self, chat_id: int, user_id: int) -> Standing:
        """Where a user stands in a chat.

        ChatUnreachable when the bot cannot see into the chat (a broken link, never "not a
        member"); UserUnreachable when Telegram knows nothing of the user.
        """
        chat = await self._input_chat(chat_id)
        user = await self._input_user(user_id)
        request = functions.channels.GetParticipantRequest(chat, user)
        try:
            result = await self._call("GetParticipant", lambda: self.client(request))
        except errors.UserNotParticipantError:
            return NOT_MEMBER
        except USER_ERRORS as error:
            raise UserUnreachable(str(error)) from error
        except BROKEN_LINK_ERRORS as error:
            raise ChatUnreachable(explain(error)) from error
        standing = standing_of(result.participant)
        for found in result.users:
            if found.id == user_id:
                access_hash = getattr(found, "access_hash", None)
                standing = replace(
                    standing, is_bot=bool(getattr(found, "bot", False)), access_hash=access_hash
                )
        return standing

    async def restrict(self, group_id: int, user_id: int, rights: BannedRights) -> bool:
        """Set a member's banned rights; False if Telegram refuses because they are an admin.

        UserUnreachable when Telegram says the user cannot be acted on (USER_ID_INVALID,
        PARTICIPANT_ID_INVALID): that says nothing about them being an admin.
        """
        request = functions.channels.EditBannedRequest(
            await self._input_chat(group_id),
            await self._input_user(user_id),
            to_chat_banned_rights(rights),
        )
        try:
            await self._call("EditBanned", lambda: self.client(request))
        except errors.UserAdminInvalidError:
            return False
        except USER_ERRORS as error:
            raise UserUnreachable(str(error)) from error
        except (*BROKEN_LINK_ERRORS, errors.RightForbiddenError) as error:
            raise ChatUnreachable(explain(error)) from error
        return True

    async def first_name(self, user_id: int) -> str | None:
        """A user's first name, for addressing them (None if Telegram will not say)."""
        try:
            peer = await self.peers.input_peer(user_id)
            user = await self._call("GetUsers", lambda: self.client.get_entity(peer))
        except (errors.RPCError, ValueError):
            return None
        name = getattr(user, "first_name", None)
        return str(name) if name else None

    async def admins(self, group_id: int) -> dict[int, Standing]:
        """The group's creator and admins, by user id."""
        group = await self._input_chat(group_id)
        participants = await self._call(
            "GetParticipants",
            lambda: self.client.get_participants(group, filter=types.ChannelParticipantsAdmins()),
        )
        found: dict[int, Standing] = {}
        for user in participants:
            found[int(user.id)] = standing_of(user.participant)
        return found

    async def users_of(self, event: Any) -> list[Any]:
        """The users a chat action is about (joined or added), fetched if Telegram must say."""
        # Mostly the users the update itself carried: no request, so no budget spent.
        users = await self.pacer.run("GetUsers", lambda: event.get_users(), cached=True)
        return list(users or [])
