"""The only module that calls Telegram: every request, its errors and its flood waits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import structlog
from telethon import TelegramClient, errors, functions, types, utils

from gatekeeper.clock import Clock
from gatekeeper.domain.callbacks import NoticeButtons
from gatekeeper.domain.i18n import N_
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, clip
from gatekeeper.domain.model import BannedRights
from gatekeeper.domain.standing import NOT_MEMBER, Standing
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.ports import ChatInfo as ChatInfo
from gatekeeper.services.ports import ChatUnreachable as ChatUnreachable
from gatekeeper.services.ports import FloodWaited as FloodWaited
from gatekeeper.services.ports import UserUnreachable as UserUnreachable
from gatekeeper.telegram.keyboards import notice_buttons
from gatekeeper.telegram.pacing import GroupBudget, Pacer
from gatekeeper.telegram.participants import standing_of, to_chat_banned_rights
from gatekeeper.telegram.peers import Peers
from gatekeeper.telegram.refusals import refusal, reply_gone

log = structlog.get_logger(__name__)
T = TypeVar("T")

# Errors that mean "the bot cannot see this chat", never "the user is not in it".
BROKEN_LINK_ERRORS: tuple[type[Exception], ...] = (
    errors.ChatAdminRequiredError,
    errors.ChannelPrivateError,
    errors.ChannelInvalidError,
    errors.ChatWriteForbiddenError,
    errors.PeerIdInvalidError,
)


# Errors about the user in a request, not about the chat: the bot cannot act on them.
USER_ERRORS: tuple[type[Exception], ...] = (
    errors.UserIdInvalidError,
    errors.ParticipantIdInvalidError,
    errors.InputUserDeactivatedError,  # a deleted account
)


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


def explain(error: BaseException) -> str:
    if isinstance(error, errors.ChatAdminRequiredError):
        return N_("I am not an admin there")
    if isinstance(error, errors.ChannelPrivateError):
        return N_("the chat is private to me or I was removed")
    if isinstance(error, errors.ChannelInvalidError | errors.PeerIdInvalidError):
        return N_("the chat does not exist or I cannot see it")
    if isinstance(error, errors.ChatWriteForbiddenError):
        return N_("I cannot write there")
    return str(error) or type(error).__name__


class Gateway:
    def __init__(
        self,
        client: TelegramClient,
        metrics: Metrics,
        clock: Clock,
        *,
        pacer: Pacer | None = None,
        known: Mapping[int, int] | None = None,
    ) -> None:
        self.client = client
        self.peers = Peers(self._input_entity, known if known is not None else {})
        self._metrics = metrics
        self._clock = clock
        self.pacer = pacer or Pacer(clock, metrics)

    @property
    def message_budget(self) -> GroupBudget:
        return self.pacer.messages

    async def _call(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run one request through the pacer: budget, flood waits, retries, priorities."""
        return await self.pacer.run(method, call)

    async def _input_entity(self, peer: int) -> Any:
        """Telethon's input entity for a marked id: mostly from its cache, else one request;
        either way through the pacer's flood handling (ValueError if Telegram cannot say)."""
        return await self.pacer.run(
            "GetInputEntity", lambda: self.client.get_input_entity(peer), cached=True
        )

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

    async def _input_user(self, user_id: int) -> Any:
        try:
            return await self.peers.input_peer(user_id)
        except ValueError as error:
            raise UserUnreachable(f"unknown user {user_id}") from error

    async def _input_chat(self, chat_id: int) -> Any:
        try:
            return await self.peers.input_peer(chat_id)
        except ValueError as error:
            raise ChatUnreachable(N_("I cannot find that chat")) from error
        except BROKEN_LINK_ERRORS as error:
            raise ChatUnreachable(explain(error)) from error

    async def access_hash(self, peer_id: int) -> int | None:
        """The access hash this bot names a user or chat by, if it knows one (for storage)."""
        return await self.peers.access_hash(peer_id)

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

    async def delete(self, chat_id: int, message_ids: Sequence[int]) -> None:
        if not message_ids:
            return
        try:
            chat = await self._input_chat(chat_id)
            await self._call(
                "DeleteMessages", lambda: self.client.delete_messages(chat, list(message_ids))
            )
        except ChatUnreachable as error:
            log.info("delete_refused", chat_id=chat_id, reason=str(error))
        except (errors.MessageDeleteForbiddenError, *BROKEN_LINK_ERRORS) as error:
            log.info("delete_refused", chat_id=chat_id, reason=explain(error))

    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        buttons: NoticeButtons | None = None,
        reply_to: int | None = None,
        html: bool = False,
    ) -> int | None:
        """Send a message; its id, or None when the bot may not write there.

        Plain text unless `html` (then every name in it must be escaped: domain/mentions.py).
        """
        keyboard = notice_buttons(buttons) if buttons else None
        try:
            peer = await self.peers.input_peer(chat_id)
            message = await self._call(
                "SendMessage",
                lambda: self.client.send_message(
                    peer,
                    text,
                    buttons=keyboard,
                    reply_to=reply_to,
                    link_preview=False,
                    parse_mode="html" if html else None,
                ),
            )
        except ValueError:
            log.info("send_refused", chat_id=chat_id, reason="unknown chat")
            return None
        except errors.RPCError as error:
            if reply_to is not None and reply_gone(error):
                return await self.send(chat_id, text, buttons=buttons, html=html)
            reason = refusal(error)
            if reason is None:
                raise
            log.info("send_refused", chat_id=chat_id, reason=reason)
            return None
        return int(message.id)

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

    async def set_commands(self, commands: Sequence[tuple[str, str]], lang_code: str = "") -> None:
        """The command menu for users of `lang_code` (two letters; "" for everyone else)."""
        request = functions.bots.SetBotCommandsRequest(
            scope=types.BotCommandScopeDefault(),
            lang_code=lang_code,
            commands=[types.BotCommand(name, text) for name, text in commands],
        )
        try:
            await self._call("SetBotCommands", lambda: self.client(request))
        except (errors.RPCError, FloodWaited) as error:  # the menu is set again at each start
            log.warning("set_commands_failed", error=str(error))

    async def respond(self, event: Any, text: str) -> None:
        """Reply in the chat of an incoming event (a private chat); dropped if refused."""
        try:
            await self._call("SendMessage", lambda: event.respond(text, link_preview=False))
        except errors.RPCError as error:
            if refusal(error) is None:
                raise
            log.info("send_refused", chat_id=getattr(event, "chat_id", None), reason=refusal(error))

    async def answer(self, event: Any, text: str, *, alert: bool = False) -> None:
        """Answer a button press, within Telegram's 200 characters (longer is MESSAGE_TOO_LONG);
        a press answered too late (or twice) is only logged."""
        text = clip(text, CALLBACK_ANSWER_MAX)
        try:
            await self._call("SetBotCallbackAnswer", lambda: event.answer(text, alert=alert))
        except errors.QueryIdInvalidError:
            log.info("answer_too_late", user_id=getattr(event, "sender_id", None))
        except FloodWaited as error:  # a press expires within seconds: its answer cannot wait
            log.warning(
                "answer_dropped", user_id=getattr(event, "sender_id", None), reason=str(error)
            )

    async def users_of(self, event: Any) -> list[Any]:
        """The users a chat action is about (joined or added), fetched if Telegram must say."""
        # Mostly the users the update itself carried: no request, so no budget spent.
        users = await self.pacer.run("GetUsers", lambda: event.get_users(), cached=True)
        return list(users or [])
