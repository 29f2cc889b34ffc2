"""Render world state as Telegram's TL objects, as seen by one viewer (the bot)."""

from __future__ import annotations

import datetime
from typing import Any

from telethon.tl import types

from gatekeeper.sim.text_entities import detect_entities
from gatekeeper.sim.world import (
    ADMIN_RIGHTS,
    BANNED_RIGHTS,
    ChatState,
    Participant,
    Role,
    SimButton,
    SimMessage,
    UserState,
    World,
)

USER_ID_KEYS = frozenset(
    {"user_id", "actor_id", "promoted_by", "kicked_by", "inviter_id", "admin_id"}
)


def to_datetime(ts: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(int(ts), tz=datetime.UTC)


def user_tl(user: UserState, viewer_id: int | None = None) -> Any:
    return types.User(
        id=user.id,
        is_self=user.id == viewer_id,
        bot=user.is_bot,
        access_hash=user.access_hash,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        bot_info_version=1 if user.is_bot else None,
        bot_nochats=False if user.is_bot else None,
        # User.lang_code is given to bots only, about other users.
        lang_code=user.lang_code if viewer_id is not None and viewer_id != user.id else None,
    )


def admin_rights_tl(rights: frozenset[str]) -> Any:
    return types.ChatAdminRights(**{name: name in rights for name in ADMIN_RIGHTS})


def banned_rights_tl(rights: frozenset[str], until_date: int = 0) -> Any:
    until = to_datetime(until_date) if until_date else None
    return types.ChatBannedRights(until_date=until, **{n: n in rights for n in BANNED_RIGHTS})


def chat_tl(chat: ChatState, viewer_id: int | None = None) -> Any:
    p = chat.participants.get(viewer_id) if viewer_id is not None else None
    role = p.role if p else Role.LEFT
    if role is Role.KICKED:
        return types.ChannelForbidden(
            id=chat.id,
            access_hash=chat.access_hash,
            title=chat.title,
            broadcast=chat.broadcast,
            megagroup=not chat.broadcast,
        )
    admin = None
    if p is not None and role.is_admin:
        admin = admin_rights_tl(frozenset(ADMIN_RIGHTS) if role is Role.CREATOR else p.admin_rights)
    banned = None
    if p is not None and role in (Role.RESTRICTED, Role.RESTRICTED_LEFT):
        banned = banned_rights_tl(p.banned_rights, p.until_date)
    return types.Channel(
        id=chat.id,
        title=chat.title,
        photo=types.ChatPhotoEmpty(),
        date=to_datetime(chat.date),
        creator=role is Role.CREATOR,
        left=not role.is_participant,
        broadcast=chat.broadcast,
        megagroup=not chat.broadcast,
        has_link=chat.linked_chat_id is not None,
        join_to_send=chat.join_to_send or None,
        forum=chat.forum or None,
        access_hash=chat.access_hash,
        username=chat.username,
        admin_rights=admin,
        banned_rights=banned,
        # No participants_count: Telegram leaves the optional field out of the chats it
        # attaches to answers and updates (channels.getFullChannel says how many).
    )


def participant_tl(p: Participant, viewer_id: int | None = None) -> Any:
    date = to_datetime(p.date)
    if p.role is Role.CREATOR:
        return types.ChannelParticipantCreator(
            user_id=p.user_id, admin_rights=admin_rights_tl(frozenset(ADMIN_RIGHTS))
        )
    if p.role is Role.ADMIN:
        return types.ChannelParticipantAdmin(
            user_id=p.user_id,
            promoted_by=p.promoted_by or 0,
            date=date,
            admin_rights=admin_rights_tl(p.admin_rights),
            is_self=p.user_id == viewer_id,
            inviter_id=p.inviter_id,
        )
    if p.role in (Role.RESTRICTED, Role.KICKED, Role.RESTRICTED_LEFT):
        return types.ChannelParticipantBanned(
            peer=types.PeerUser(p.user_id),
            kicked_by=p.kicked_by or 0,
            date=date,
            banned_rights=banned_rights_tl(p.banned_rights, p.until_date),
            left=p.role is not Role.RESTRICTED,
        )
    if p.role is Role.LEFT:
        return types.ChannelParticipantLeft(peer=types.PeerUser(p.user_id))
    if p.user_id == viewer_id:
        return types.ChannelParticipantSelf(
            user_id=p.user_id, inviter_id=p.inviter_id or 0, date=date
        )
    return types.ChannelParticipant(user_id=p.user_id, date=date)


def markup_tl(rows: list[list[SimButton]]) -> Any:
    """Layer 229: ReplyInlineMarkup(rows=[KeyboardInlineButtonRow([KeyboardInlineButton])])."""
    if not rows:
        return None
    out = []
    for row in rows:
        buttons: list[Any] = []
        for b in row:
            if b.kind == "callback":
                kind: Any = types.InlineButtonTypeCallback(data=b.data or b"")
            elif b.kind == "url":
                kind = types.InlineButtonTypeUrl(url=b.url or "")
            else:
                kind = types.InlineButtonTypeDisabled()
            buttons.append(types.KeyboardInlineButton(text=b.text, type=kind))
        out.append(types.KeyboardInlineButtonRow(buttons=buttons))
    return types.ReplyInlineMarkup(rows=out)


def buttons_from_markup(markup: Any) -> list[list[SimButton]]:
    if not isinstance(markup, types.ReplyInlineMarkup):
        return []
    rows: list[list[SimButton]] = []
    for row in markup.rows:
        out: list[SimButton] = []
        for b in row.buttons:
            kind = getattr(b, "type", None)
            if isinstance(kind, types.InlineButtonTypeCallback):
                out.append(SimButton(b.text, "callback", data=bytes(kind.data)))
            elif isinstance(kind, types.InlineButtonTypeUrl):
                out.append(SimButton(b.text, "url", url=kind.url))
            else:
                out.append(SimButton(getattr(b, "text", ""), "other"))
        rows.append(out)
    return rows


def _media_tl(kind: str | None, msg_id: int) -> Any:
    if kind is None:
        return None
    if kind == "photo":
        return types.MessageMediaPhoto(photo=types.PhotoEmpty(id=msg_id))
    return types.MessageMediaDocument(document=types.DocumentEmpty(id=msg_id))


def message_tl(msg: SimMessage, viewer_id: int | None = None) -> Any:
    if msg.private:
        peer: Any = types.PeerUser(msg.chat_id)
    else:
        peer = types.PeerChannel(msg.chat_id)
    from_id: Any = None
    if msg.sender_user_id is not None:
        from_id = types.PeerUser(msg.sender_user_id)
    elif msg.sender_chat_id is not None:
        from_id = types.PeerChannel(msg.sender_chat_id)
    out = viewer_id is not None and msg.sender_user_id == viewer_id
    reply = None
    if msg.reply_to and msg.topic is not None:  # in a forum topic
        top = msg.topic if msg.reply_to != msg.topic else None
        reply = types.MessageReplyHeader(
            forum_topic=True, reply_to_msg_id=msg.reply_to, reply_to_top_id=top
        )
    elif msg.reply_to:
        reply = types.MessageReplyHeader(
            reply_to_msg_id=msg.reply_to, reply_to_top_id=msg.thread_top
        )
    if msg.action is not None:
        return types.MessageService(
            id=msg.id,
            peer_id=peer,
            date=to_datetime(msg.date),
            action=msg.action,
            out=out,
            from_id=from_id,
        )
    fwd = None
    if msg.fwd_from_chat_id is not None:
        fwd = types.MessageFwdHeader(
            date=to_datetime(msg.date),
            from_id=types.PeerChannel(msg.fwd_from_chat_id),
            channel_post=msg.fwd_from_msg_id,
            saved_from_peer=types.PeerChannel(msg.fwd_from_chat_id),
            saved_from_msg_id=msg.fwd_from_msg_id,
        )
    return types.Message(
        id=msg.id,
        peer_id=peer,
        date=to_datetime(msg.date),
        message=msg.text,
        entities=sorted(detect_entities(msg.text) + msg.links, key=lambda e: e.offset) or None,
        out=out,
        post=msg.post,
        from_id=from_id,
        fwd_from=fwd,
        reply_to=reply,
        media=_media_tl(msg.media, msg.id),
        reply_markup=markup_tl(msg.buttons),
        edit_date=to_datetime(msg.edit_date) if msg.edit_date else None,
    )


def referenced_ids(obj: Any) -> tuple[set[int], set[int]]:
    """User ids and bare channel ids mentioned anywhere inside a TL object."""
    users: set[int] = set()
    chats: set[int] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("_")
            for key, value in node.items():
                if isinstance(value, int) and not isinstance(value, bool) and value:
                    if key in USER_ID_KEYS or (key == "id" and kind == "User"):
                        users.add(value)
                    elif key == "channel_id":
                        chats.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(obj.to_dict() if hasattr(obj, "to_dict") else obj)
    return users, chats


def entities_for(world: World, objs: list[Any], viewer_id: int) -> tuple[list[Any], list[Any]]:
    """The users and chats a container of ``objs`` must carry, rendered for ``viewer_id``."""
    users: set[int] = set()
    chats: set[int] = set()
    for obj in objs:
        u, c = referenced_ids(obj)
        users |= u
        chats |= c
    user_objs = [user_tl(world.users[u], viewer_id) for u in sorted(users) if u in world.users]
    chat_objs = [chat_tl(world.chats[c], viewer_id) for c in sorted(chats) if c in world.chats]
    return user_objs, chat_objs
