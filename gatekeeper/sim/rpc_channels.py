"""Handlers for channels.*: chats, full info, participants, bans, admins, deletions, messages."""

from __future__ import annotations

import functools
from typing import Any

from telethon.tl import functions, types

from gatekeeper.sim.entities import (
    chat_tl,
    entities_for,
    message_tl,
    participant_tl,
)
from gatekeeper.sim.errors import RpcFail
from gatekeeper.sim.rpc import Call, handles
from gatekeeper.sim.world import ADMIN_RIGHTS, BANNED_RIGHTS, ChatState, Participant, Role

PAGE_MAX = 200
BROADCAST_LIST_MAX = 200
SUPERGROUP_LIST_MAX = 10_000


@handles(functions.channels.GetChannelsRequest)
def get_channels(call: Call) -> Any:
    chats = [
        chat_tl(call.chat(obj, need_member=False, zero_hash_ok=True), call.bot_id)
        for obj in call.request.id
    ]
    return types.messages.Chats(chats=chats)


@handles(functions.channels.GetFullChannelRequest)
def get_full_channel(call: Call) -> Any:
    chat = call.chat(call.request.channel)
    bot = call.bot_id
    is_admin = chat.role(bot).is_admin
    working = [link for link in chat.invites if link not in chat.revoked_invites]
    invite = call.ops.invite_tl(chat, working[0]) if is_admin and working else None
    full = types.ChannelFull(
        id=chat.id,
        about="",
        read_inbox_max_id=0,
        read_outbox_max_id=0,
        unread_count=0,
        chat_photo=types.PhotoEmpty(id=0),
        notify_settings=types.PeerNotifySettings(),
        bot_info=[],
        pts=chat.pts,
        can_view_participants=is_admin or not chat.broadcast,
        participants_count=len(chat.members()),
        admins_count=sum(1 for p in chat.members() if p.role.is_admin),
        linked_chat_id=chat.linked_chat_id,
        exported_invite=invite,
    )
    linked = [types.PeerChannel(chat.linked_chat_id)] if chat.linked_chat_id else []
    _, chats = entities_for(call.world, [types.PeerChannel(chat.id), *linked], bot)
    return types.messages.ChatFull(full_chat=full, chats=chats, users=[])


def _visible_participant_list(call: Call, channel: Any) -> Any:
    chat = call.chat(channel)
    if chat.broadcast and not chat.role(call.bot_id).is_admin:
        raise RpcFail(400, "CHAT_ADMIN_REQUIRED")
    return chat


@handles(functions.channels.GetParticipantRequest)
def get_participant(call: Call) -> Any:
    chat = call.chat(call.request.channel)
    target = call.user(call.request.participant)
    if target.id != call.bot_id:
        _visible_participant_list(call, call.request.channel)
    p = chat.participants.get(target.id)
    if p is None or p.role is Role.LEFT:
        raise RpcFail(400, "USER_NOT_PARTICIPANT")
    tl = participant_tl(p, call.bot_id)
    users, chats = entities_for(call.world, [tl, types.PeerChannel(chat.id)], call.bot_id)
    return types.channels.ChannelParticipant(participant=tl, chats=chats, users=users)


@functools.lru_cache(maxsize=1 << 20)
def _words(first_name: str, last_name: str | None, username: str | None) -> tuple[str, ...]:
    names = (first_name, last_name or "")
    return (*(w for name in names for w in name.lower().split()), (username or "").lower())


def _named(p: Participant, q: str, call: Call) -> bool:
    """Telegram's search by name: each word of `q` starts a word of the first name, last name
    or username."""
    user = call.world.users[p.user_id]
    words = _words(user.first_name, user.last_name, user.username)
    return all(any(w.startswith(part) for w in words) for part in q.lower().split())


def _matches(p: Participant, flt: Any, call: Call) -> bool:
    q = getattr(flt, "q", "") or ""
    if q.strip() and not _named(p, q, call):
        return False
    if isinstance(flt, types.ChannelParticipantsAdmins):
        return p.role.is_admin
    if isinstance(flt, types.ChannelParticipantsBanned):
        return p.role is Role.RESTRICTED
    if isinstance(flt, types.ChannelParticipantsKicked):
        return p.role is Role.KICKED
    if isinstance(flt, types.ChannelParticipantsBots):
        return p.role.is_participant and call.world.users[p.user_id].is_bot
    if isinstance(flt, types.ChannelParticipantsRecent | types.ChannelParticipantsSearch):
        return p.role.is_participant
    raise NotImplementedError(
        f"sim does not model GetParticipantsRequest filter {type(flt).__name__}"
    )


_CAPPED = (types.ChannelParticipantsRecent, types.ChannelParticipantsSearch)


# The last listing of each (chat, filter): paging through it (offset > 0) reuses it as long as
# the chat has as many participants and each record on the page is the one listed. The sim's
# own speed only: a 200,000-member group is listed in some 1,500 pages.
_Listing = tuple[int, list[Participant]]
_LISTINGS: dict[tuple[int, str, str], _Listing] = {}


def _narrower(chat: ChatState, flt: Any) -> list[Participant] | None:
    """A search for "ab" picks among what the search for "a" (and that, among what Recent)
    matched, when that listing is of the chat as it is."""
    q = str(getattr(flt, "q", "") or "")
    if not isinstance(flt, types.ChannelParticipantsSearch) or not q or " " in q:
        return None
    parent = (
        (chat.id, "ChannelParticipantsSearch", q[:-1])
        if len(q) > 1
        else (chat.id, "ChannelParticipantsRecent", "")
    )
    known = _LISTINGS.get(parent)
    return known[1] if known is not None and known[0] == len(chat.participants) else None


def _listing(call: Call, chat: ChatState, flt: Any, offset: int, end: int) -> list[Participant]:
    key = (chat.id, type(flt).__name__, str(getattr(flt, "q", "") or ""))
    known = _LISTINGS.get(key)
    if offset > 0 and known is not None and known[0] == len(chat.participants):
        page = known[1][offset:end]
        if all(chat.participants.get(p.user_id) is p for p in page):
            return known[1]
    among = _narrower(chat, flt)
    derived = among is not None
    if among is None:
        among = sorted(chat.participants.values(), key=lambda p: p.date, reverse=True)
    matched = [p for p in among if _matches(p, flt, call)]
    page = matched[offset:end]
    if derived and not all(chat.participants.get(p.user_id) is p for p in page):
        newest = sorted(chat.participants.values(), key=lambda p: p.date, reverse=True)
        matched = [p for p in newest if _matches(p, flt, call)]
    _LISTINGS[key] = (len(chat.participants), matched)
    if len(_LISTINGS) > 64:
        del _LISTINGS[next(iter(_LISTINGS))]
    return matched


@handles(functions.channels.GetParticipantsRequest)
def get_participants(call: Call) -> Any:
    """Newest first; Recent and Search stop at Telegram's caps (about 200 subscribers of a
    broadcast channel, 10,000 members of a supergroup), whatever the offset."""
    req = call.request
    chat = _visible_participant_list(call, req.channel)
    offset = max(req.offset, 0)
    end = offset + max(0, min(req.limit, PAGE_MAX))
    matched = _listing(call, chat, req.filter, offset, end)
    capped = isinstance(req.filter, _CAPPED)
    cap = BROADCAST_LIST_MAX if chat.broadcast and capped else SUPERGROUP_LIST_MAX
    page = matched[:cap][offset:end]
    parts = [participant_tl(p, call.bot_id) for p in page]
    users, chats = entities_for(call.world, parts, call.bot_id)
    return types.channels.ChannelParticipants(
        count=len(matched), participants=parts, chats=chats, users=users
    )


@handles(functions.channels.EditBannedRequest)
def edit_banned(call: Call) -> Any:
    req = call.request
    chat = call.chat(req.channel)
    call.require_right(chat, "ban_users")
    target = call.user(req.participant)
    if chat.role(target.id).is_admin or target.id == call.bot_id:
        raise RpcFail(400, "USER_ADMIN_INVALID")
    rights = frozenset(n for n in BANNED_RIGHTS if getattr(req.banned_rights, n, False))
    until_dt = req.banned_rights.until_date
    until = call.ops.normalize_until(int(until_dt.timestamp()) if until_dt else 0)
    call.ops.apply_banned_rights(chat, target.id, rights, until, call.bot_id)
    return call.updates([types.UpdateChannel(channel_id=chat.id)])


@handles(functions.channels.EditAdminRequest)
def edit_admin(call: Call) -> Any:
    req = call.request
    chat = call.chat(req.channel)
    call.require_right(chat, "add_admins")
    target = call.user(req.user_id)
    if chat.role(target.id) is Role.CREATOR:
        raise RpcFail(400, "USER_CREATOR")
    rights = frozenset(n for n in ADMIN_RIGHTS if getattr(req.admin_rights, n, False))
    if rights:
        call.ops.promote(chat, target.id, rights, call.bot_id)
    elif chat.role(target.id) is Role.ADMIN:
        call.ops.demote(chat, target.id, call.bot_id)
    return call.updates([types.UpdateChannel(channel_id=chat.id)])


@handles(functions.channels.DeleteMessagesRequest)
def delete_messages(call: Call) -> Any:
    chat = call.chat(call.request.channel)
    ids = list(call.request.id)
    for msg_id in ids:
        msg = chat.messages.get(msg_id)
        own = msg is not None and msg.sender_user_id == call.bot_id
        if msg is not None and not own and not chat.has_admin_right(call.bot_id, "delete_messages"):
            raise RpcFail(403, "MESSAGE_DELETE_FORBIDDEN")
    pts, count = call.ops.delete(chat, ids, skip_bot=call.bot_id)
    return types.messages.AffectedMessages(pts=pts, pts_count=count)


@handles(functions.channels.GetMessagesRequest)
def get_channel_messages(call: Call) -> Any:
    chat = call.chat(call.request.channel)
    out: list[Any] = []
    for obj in call.request.id:
        msg = chat.messages.get(getattr(obj, "id", 0))
        if isinstance(obj, types.InputMessageReplyTo):
            # Telegram: the message that the given one replies to.
            msg = chat.messages.get(msg.reply_to or 0) if msg else None
        out.append(
            message_tl(msg, call.bot_id) if msg else types.MessageEmpty(id=getattr(obj, "id", 0))
        )
    users, chats = entities_for(call.world, [*out, types.PeerChannel(chat.id)], call.bot_id)
    return types.messages.ChannelMessages(
        pts=chat.pts, count=len(out), messages=out, topics=[], chats=chats, users=users
    )
