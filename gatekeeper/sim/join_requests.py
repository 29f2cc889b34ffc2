"""Join requests as Telegram handles them: the update to the chat's bots, the guard bot's query,
answering them (messages.hideChatJoinRequest, bots.setJoinChatResults), and the short window in
which a bot may write to a requester.

- ``UpdateBotChatInviteRequester`` (qts) goes to every admin bot with the invite right; when the
  chat has a guard bot (``channels.toggleJoinRequest(guard_bot=...)``, set by a user admin), it
  goes to the guard bot alone, with a ``query_id``, and the request reaches the admins only once
  the guard bot answers Queued (Approved lets the user in, Declined turns them away).
- A bot may write to a requester for 5 minutes after the request, until it is handled (Bot API,
  ``ChatJoinRequest.user_chat_id``); otherwise, as to any user who never started it,
  PEER_ID_INVALID. A user who blocked the bot gives USER_IS_BLOCKED.
- hideChatJoinRequest: HIDE_REQUESTER_MISSING when nothing is pending, USER_CHANNELS_TOO_MUCH
  when approving someone already in ``world.channels_max`` chats (the request stays).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telethon.tl import functions, types

from gatekeeper.sim.entities import to_datetime
from gatekeeper.sim.errors import RpcFail
from gatekeeper.sim.rpc import Call, handles
from gatekeeper.sim.world import ChatState, JoinQuery, SimMessage, World

if TYPE_CHECKING:
    from gatekeeper.sim.ops import Ops

PRIVATE_WINDOW = 300
"""Seconds after a join request in which an admin bot may write to the requester."""


def request(ops: Ops, chat: ChatState, user_id: int) -> None:
    """``user_id`` asks to join ``chat`` (by a link that needs approval, or a public chat with
    join requests on)."""
    link = chat.invites[0] if chat.invites else f"https://t.me/+sim{chat.id:x}"
    invite = ops.invite_tl(chat, link, request_needed=True)
    now = ops.now()
    guard = chat.guard_bot_id
    query_id: int | None = None
    if guard is not None and chat.role(guard).is_admin:
        query_id = ops.world.new_random_id()
        ops.world.join_queries[query_id] = JoinQuery(query_id, chat.id, user_id, guard, now)
        bots = [guard]
    else:
        chat.join_requests[user_id] = now
        bots = [b for b in ops.hub.admin_bots_in(chat) if chat.has_admin_right(b, "invite_users")]
    for bot_id in bots:
        ops.hub.qts_event(
            bot_id,
            lambda qts: types.UpdateBotChatInviteRequester(
                peer=types.PeerChannel(chat.id),
                date=to_datetime(now),
                user_id=user_id,
                about="",
                invite=invite,
                qts=qts,
                query_id=query_id,
            ),
        )


def may_write(world: World, bot_id: int, user_id: int, now: int) -> bool:
    """Whether a bot may write to a user who never started it: a fresh, unhandled request."""
    for query in world.join_queries.values():
        if (
            query.bot_id == bot_id
            and query.user_id == user_id
            and now - query.date < PRIVATE_WINDOW
        ):
            return True
    return any(
        now - chat.join_requests[user_id] < PRIVATE_WINDOW
        and chat.has_admin_right(bot_id, "invite_users")
        for chat in world.chats.values()
        if user_id in chat.join_requests
    )


def _let_in(call: Call, chat: ChatState, user_id: int) -> Any:
    """Approve: the user becomes a member, with the service message Telegram posts."""
    if sum(c.is_participant(user_id) for c in call.world.chats.values()) >= (
        call.world.channels_max
    ):
        raise RpcFail(400, "USER_CHANNELS_TOO_MUCH")
    chat.join_requests.pop(user_id, None)
    call.ops.join(chat, user_id, actor_id=call.bot_id)
    note = SimMessage(
        id=0,
        chat_id=chat.id,
        date=call.ops.now(),
        sender_user_id=user_id,
        action=types.MessageActionChatJoinedByRequest(),
    )
    factory = call.ops.post(chat, note, skip_bot=call.bot_id)
    return call.updates([factory(call.bot_id)])


@handles(functions.messages.HideChatJoinRequestRequest)
def hide_chat_join_request(call: Call) -> Any:
    chat = call.chat(call.request.peer)
    call.require_right(chat, "invite_users")
    user = call.user(call.request.user_id)
    if user.id not in chat.join_requests:
        raise RpcFail(400, "HIDE_REQUESTER_MISSING")
    if not call.request.approved:
        del chat.join_requests[user.id]
        return call.updates([])
    return _let_in(call, chat, user.id)


@handles(functions.bots.SetJoinChatResultsRequest)
def set_join_chat_results(call: Call) -> Any:
    query = call.world.join_queries.get(call.request.query_id)
    if query is None or query.bot_id != call.bot_id:
        raise RpcFail(400, "QUERY_ID_INVALID")
    chat = call.world.chats[query.chat_id]
    result = call.request.result
    if isinstance(result, types.JoinChatBotResultApproved):
        _let_in(call, chat, query.user_id)
    elif isinstance(result, types.JoinChatBotResultQueued):
        chat.join_requests[query.user_id] = query.date  # now the admins' to decide
    elif not isinstance(result, types.JoinChatBotResultDeclined):
        raise NotImplementedError(f"sim does not model {type(result).__name__}")
    del call.world.join_queries[query.id]
    return True
