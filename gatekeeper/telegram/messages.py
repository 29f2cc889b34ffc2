"""The gateway's messages: send, delete, reply, answer a press, set the command menu."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from telethon import errors, functions, types

from gatekeeper.domain.callbacks import NoticeButtons
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, clip
from gatekeeper.services.ports import ChatUnreachable, FloodWaited
from gatekeeper.telegram.calls import Calls
from gatekeeper.telegram.keyboards import notice_buttons
from gatekeeper.telegram.refusals import error_name, refusal, reply_gone
from gatekeeper.telegram.rpc_errors import BROKEN_LINK_ERRORS, explain

log = structlog.get_logger(__name__)


# A press can be answered for about 15 s (then QUERY_ID_INVALID, "query is too old"): a flood
# wait on the answer this short is slept, within that life; a longer one drops the answer.
ANSWER_PATIENCE = 10.0


class Messages(Calls):
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
        a press answered too late (or twice), or whose answer Telegram refuses, is only logged."""
        text = clip(text, CALLBACK_ANSWER_MAX)
        request = functions.messages.SetBotCallbackAnswerRequest(
            query_id=event.id, cache_time=0, alert=alert, message=text
        )
        tries = 0

        async def attempt() -> Any:
            # Telethon marks the event answered before it sends (so that `event.edit` does not
            # answer it again), and then sends nothing more: a retry (after a short flood wait,
            # a dropped line) sends the request itself.
            nonlocal tries
            tries += 1
            if tries == 1:
                return await event.answer(text, alert=alert)
            return await self.client(request)

        try:
            await self.pacer.run("SetBotCallbackAnswer", attempt, patience=ANSWER_PATIENCE)
        except errors.QueryIdInvalidError:
            log.info("answer_too_late", user_id=getattr(event, "sender_id", None))
        except (FloodWaited, errors.RPCError) as error:  # a press expires within seconds:
            # its answer cannot wait, nor be sent another way once Telegram refused it
            reason = error_name(error) if isinstance(error, errors.RPCError) else str(error)
            log.warning("answer_dropped", user_id=getattr(event, "sender_id", None), reason=reason)
