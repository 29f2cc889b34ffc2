"""Handlers for basic groups (messages.getChats) and for reading and revoking invite links."""

from __future__ import annotations

from typing import Any

from telethon.tl import functions, types

from gatekeeper.sim.entities import to_datetime, user_tl
from gatekeeper.sim.errors import RpcFail
from gatekeeper.sim.rpc import Call, handles
from gatekeeper.sim.world import BasicGroupState


def basic_group_tl(group: BasicGroupState, viewer_id: int) -> Any:
    if viewer_id not in group.members:
        return types.ChatForbidden(id=group.id, title=group.title)
    return types.Chat(
        id=group.id,
        title=group.title,
        photo=types.ChatPhotoEmpty(),
        participants_count=len(group.members),
        date=to_datetime(group.date),
        version=1,
        creator=group.creator_id == viewer_id or None,
    )


@handles(functions.messages.GetChatsRequest)
def get_chats(call: Call) -> Any:
    chats = []
    for chat_id in call.request.id:
        group = call.world.basic_groups.get(chat_id)
        if group is None:
            raise RpcFail(400, "CHAT_ID_INVALID")
        chats.append(basic_group_tl(group, call.bot_id))
    return types.messages.Chats(chats=chats)


def _invite(call: Call) -> Any:
    chat = call.chat(call.request.peer)
    call.require_right(chat, "invite_users")
    link = call.request.link
    if link not in chat.invites:
        raise RpcFail(400, "INVITE_HASH_EXPIRED")
    return chat, link


@handles(functions.messages.GetExportedChatInviteRequest)
def get_exported_chat_invite(call: Call) -> Any:
    """A link's state; a revoked one reads back with ``revoked`` set."""
    chat, link = _invite(call)
    invite = call.ops.invite_tl(chat, link)
    users = [user_tl(call.world.users[invite.admin_id], call.bot_id)]
    return types.messages.ExportedChatInvite(invite=invite, users=users)


@handles(functions.messages.EditExportedChatInviteRequest)
def edit_exported_chat_invite(call: Call) -> Any:
    chat, link = _invite(call)
    if call.request.revoked:
        chat.revoked_invites.add(link)
    invite = call.ops.invite_tl(chat, link)
    users = [user_tl(call.world.users[invite.admin_id], call.bot_id)]
    return types.messages.ExportedChatInvite(invite=invite, users=users)
