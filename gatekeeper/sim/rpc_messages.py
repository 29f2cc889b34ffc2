"""Handlers for messages.*: send, edit, callback answers and invite links (join requests:
``gatekeeper.sim.join_requests``)."""

from __future__ import annotations

from typing import Any

from telethon.tl import functions, types

from gatekeeper.sim import join_requests
from gatekeeper.sim.entities import buttons_from_markup, message_tl, to_datetime
from gatekeeper.sim.errors import RpcFail
from gatekeeper.sim.rpc import Call, handles
from gatekeeper.sim.world import ChatState, SimButton, SimMessage

CALLBACK_TTL = 15.0
"""Seconds after which an unanswered callback query can no longer be answered."""
MESSAGE_LENGTH_MAX = 4096
"""help.getConfig's message_length_max; longer texts get MESSAGE_TOO_LONG."""
CALLBACK_ANSWER_MAX = 200
"""A callback answer's text (Bot API answerCallbackQuery: 0-200 characters); longer ones get
MESSAGE_TOO_LONG (core.telegram.org/method/messages.setBotCallbackAnswer, possible errors)."""


def text_length(text: str) -> int:
    """Telegram counts text in UTF-16 code units (as its entity offsets do)."""
    return len(text.encode("utf-16-le")) // 2


def _check_text(text: str) -> None:
    if not text.strip():
        raise RpcFail(400, "MESSAGE_EMPTY")
    if text_length(text) > MESSAGE_LENGTH_MAX:
        raise RpcFail(400, "MESSAGE_TOO_LONG")


BUTTON_DATA_MAX = 64
"""Bytes of a callback button's data (Bot API InlineKeyboardButton: 1-64 bytes)."""


def _buttons(markup: Any) -> list[list[SimButton]]:
    """The inline keyboard a message carries, refused as Telegram refuses it:
    BUTTON_DATA_INVALID (data over 64 bytes), BUTTON_TEXT_INVALID (no text) and
    BUTTON_URL_INVALID (not an http(s) or tg:// address)."""
    rows = buttons_from_markup(markup)
    for button in (b for row in rows for b in row):
        if not button.text.strip():
            raise RpcFail(400, "BUTTON_TEXT_INVALID")
        if button.kind == "callback" and len(button.data or b"") > BUTTON_DATA_MAX:
            raise RpcFail(400, "BUTTON_DATA_INVALID")
        if button.kind == "url" and not (button.url or "").startswith(_URL_SCHEMES):
            raise RpcFail(400, "BUTTON_URL_INVALID")
    return rows


_URL_SCHEMES = ("http://", "https://", "tg://")


def _is_user_peer(peer: Any) -> bool:
    return isinstance(
        peer, types.InputPeerUser | types.InputPeerUserFromMessage | types.InputPeerSelf
    )


def _may_message_privately(call: Call, user_id: int) -> bool:
    if (user_id, call.bot_id) in call.world.started:
        return True
    return join_requests.may_write(call.world, call.bot_id, user_id, call.ops.now())


def _reply_to(request: Any) -> int | None:
    reply = getattr(request, "reply_to", None)
    return getattr(reply, "reply_to_msg_id", None) if reply is not None else None


@handles(functions.messages.SendMessageRequest)
def send_message(call: Call) -> Any:
    req = call.request
    bot = call.bot_id
    _check_text(req.message)
    buttons = _buttons(req.reply_markup)
    if _is_user_peer(req.peer):
        user = call.user(req.peer)
        if (user.id, bot) in call.world.blocked:
            raise RpcFail(400, "USER_IS_BLOCKED")
        if user.id == bot or not _may_message_privately(call, user.id):
            raise RpcFail(400, "PEER_ID_INVALID")
        msg = call.ops.private_message(
            bot, user.id, req.message, from_bot=True, buttons=buttons, reply_to=_reply_to(req)
        )
        return types.UpdateShortSentMessage(
            out=True, id=msg.id, pts=call.bot.pts, pts_count=1, date=to_datetime(msg.date)
        )
    chat = call.chat(req.peer)
    refusal = call.ops.write_refusal(chat, bot, reply_to=_reply_to(req))
    if refusal is not None:
        raise RpcFail(400 if refusal == "CHANNEL_PRIVATE" else 403, refusal)
    msg = SimMessage(
        id=0,
        chat_id=chat.id,
        date=call.ops.now(),
        text=req.message,
        sender_user_id=bot,
        reply_to=_reply_to(req),
        buttons=buttons,
        links=_links(req.entities),
    )
    root = call.ops.thread_root(chat, msg.reply_to)
    msg.thread_top = root if root != msg.reply_to else None
    factory = call.ops.post(chat, msg, skip_bot=bot)
    return call.updates([types.UpdateMessageID(id=msg.id, random_id=req.random_id), factory(bot)])


def _links(entities: Any) -> list[Any]:
    """Text links the sender marked up (HTML <a href>): Telegram keeps them with the text."""
    return [e for e in entities or () if isinstance(e, types.MessageEntityTextUrl)]


def _private_message(call: Call, user_id: int, msg_id: int) -> SimMessage:
    for msg in call.world.private.get((call.bot_id, user_id), []):
        if msg.id == msg_id:
            return msg
    raise RpcFail(400, "MESSAGE_ID_INVALID")


@handles(functions.messages.EditMessageRequest)
def edit_message(call: Call) -> Any:
    req = call.request
    bot = call.bot_id
    if _is_user_peer(req.peer):
        msg = _private_message(call, call.user(req.peer).id, req.id)
    else:
        chat = call.chat(req.peer)
        found = chat.messages.get(req.id)
        if found is None:
            raise RpcFail(400, "MESSAGE_ID_INVALID")
        msg = found
    if msg.sender_user_id != bot:
        raise RpcFail(403, "MESSAGE_AUTHOR_REQUIRED")
    text = msg.text if req.message is None else req.message
    _check_text(text)
    buttons = msg.buttons if req.reply_markup is None else _buttons(req.reply_markup)
    if text == msg.text and buttons == msg.buttons:
        raise RpcFail(400, "MESSAGE_NOT_MODIFIED")
    msg.text, msg.buttons = text, buttons
    if msg.private:
        msg.edit_date = call.ops.now()
        update = call.sim.hub.private_event(
            bot, lambda pts: types.UpdateEditMessage(message_tl(msg, bot), pts, 1), push=False
        )
        return call.updates([update])
    factory = call.ops.edit(call.world.chats[msg.chat_id], msg, skip_bot=bot)
    return call.updates([factory(bot)])


@handles(functions.messages.SetBotCallbackAnswerRequest)
def set_bot_callback_answer(call: Call) -> Any:
    req = call.request
    query = call.world.queries.get(req.query_id)
    expired = query is not None and call.sim.clock.now() - query.date > CALLBACK_TTL
    if query is None or query.bot_id != call.bot_id or query.answered or expired:
        raise RpcFail(400, "QUERY_ID_INVALID")
    if req.message is not None and text_length(req.message) > CALLBACK_ANSWER_MAX:
        raise RpcFail(400, "MESSAGE_TOO_LONG")
    query.answered = True
    query.answer_text = req.message
    query.alert = bool(req.alert)
    query.url = req.url
    call.sim.callback_answers.append(query)
    return True


def _chat_for_invites(call: Call) -> ChatState:
    chat = call.chat(call.request.peer)
    call.require_right(chat, "invite_users")
    return chat


@handles(functions.messages.ExportChatInviteRequest)
def export_chat_invite(call: Call) -> Any:
    chat = _chat_for_invites(call)
    return call.ops.export_invite(
        chat, call.bot_id, bool(call.request.request_needed), call.request.title
    )
