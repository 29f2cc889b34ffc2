"""World operations shared by actors and request handlers (rules, participants, invite links;
messages in message_ops.py); each emits the updates Telegram would."""

from __future__ import annotations

import string
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telethon.tl import types

from gatekeeper.sim.entities import participant_tl, to_datetime
from gatekeeper.sim.message_ops import MessageOps
from gatekeeper.sim.updates import UpdateHub
from gatekeeper.sim.world import ChatState, Participant, Role, World

if TYPE_CHECKING:
    from gatekeeper.clock import Clock

FOREVER_MIN = 30
FOREVER_MAX = 366 * 86400


class Ops(MessageOps):
    def __init__(self, world: World, hub: UpdateHub, clock: Clock) -> None:
        super().__init__(world, hub, clock)
        self.invite_meta: dict[str, tuple[int, int]] = {}  # invite link -> (creator id, date)
        self.members_cannot_add: set[int] = set()  # chats whose plain members may not add people

    # -- rules ---------------------------------------------------------------------
    def write_refusal(
        self,
        chat: ChatState,
        user_id: int,
        media: str | None = None,
        reply_to: int | None = None,
    ) -> str | None:
        """None if ``user_id`` may post in ``chat`` now, else the Telegram error message.

        A channel's discussion group lets non-members comment on the channel's posts (reply in
        a post's thread) unless it has join_to_send on: CHAT_GUEST_SEND_FORBIDDEN then.
        """
        p = chat.participants.get(user_id)
        if p is None or not p.role.is_participant:
            guest = p is None or p.role is Role.RESTRICTED_LEFT
            if guest and self.thread_root(chat, reply_to) is not None:
                if chat.join_to_send:
                    return "CHAT_GUEST_SEND_FORBIDDEN"
                blocked = p is not None and {"send_messages", "view_messages"} & p.banned_rights
                if p is not None and blocked and self.restriction_active(p):
                    return "CHAT_WRITE_FORBIDDEN"
                return None
            return "CHANNEL_PRIVATE" if chat.username is None else "CHAT_WRITE_FORBIDDEN"
        if chat.broadcast:
            return (
                None if chat.has_admin_right(user_id, "post_messages") else "CHAT_WRITE_FORBIDDEN"
            )
        if p.role is Role.RESTRICTED and self.restriction_active(p):
            if {"send_messages", "view_messages"} & p.banned_rights:
                return "CHAT_WRITE_FORBIDDEN"
            if media is not None and "send_media" in p.banned_rights:
                return "CHAT_SEND_MEDIA_FORBIDDEN"
        return None

    def thread_root(self, chat: ChatState, reply_to: int | None) -> int | None:
        """The id of the linked channel's post (its automatic forward) a reply is in, if any."""
        if chat.broadcast or chat.linked_chat_id is None:
            return None
        seen: set[int] = set()
        while reply_to is not None and reply_to not in seen:
            seen.add(reply_to)
            msg = chat.messages.get(reply_to)
            if msg is None:
                return None
            if (
                msg.fwd_from_chat_id == chat.linked_chat_id
                and msg.sender_chat_id == msg.fwd_from_chat_id
            ):
                return msg.id
            reply_to = msg.reply_to
        return None

    def restriction_active(self, p: Participant) -> bool:
        return p.until_date == 0 or p.until_date > self.now()

    def normalize_until(self, until: int) -> int:
        delta = until - self.now()
        return 0 if until == 0 or delta < FOREVER_MIN or delta > FOREVER_MAX else until

    # -- participants --------------------------------------------------------------
    def set_participant(
        self,
        chat: ChatState,
        user_id: int,
        new: Participant | None,
        actor_id: int,
        invite: Any = None,
    ) -> None:
        """Replace ``user_id``'s participant record (None = left) and tell the admin bots.

        ``invite`` (a ``ChatInviteExported``) goes into the update when a link was used.
        """
        prev = chat.participants.get(user_id)
        recipients = set(self.hub.admin_bots_in(chat))
        if new is None:
            chat.participants.pop(user_id, None)
        else:
            chat.participants[user_id] = new
        recipients |= set(self.hub.admin_bots_in(chat))
        if self.world.users[user_id].is_bot:
            recipients.add(user_id)
        if new is not None and new.role.is_participant:
            chat.join_requests.pop(user_id, None)
        date = to_datetime(self.now())
        for bot_id in sorted(recipients):

            def make(qts: int, bot_id: int = bot_id) -> Any:
                return types.UpdateChannelParticipant(
                    channel_id=chat.id,
                    date=date,
                    actor_id=actor_id,
                    user_id=user_id,
                    qts=qts,
                    prev_participant=_tl_or_none(prev, bot_id),
                    new_participant=_tl_or_none(new, bot_id),
                    invite=invite,
                )

            self.hub.qts_event(bot_id, make)

    def join(
        self,
        chat: ChatState,
        user_id: int,
        role: Role = Role.MEMBER,
        actor_id: int | None = None,
        inviter_id: int | None = None,
        invite: Any = None,
    ) -> None:
        p = Participant(user_id=user_id, role=role, date=self.now(), inviter_id=inviter_id)
        prev = chat.participants.get(user_id)
        if prev is not None and prev.role is Role.RESTRICTED_LEFT and role is Role.MEMBER:
            # A restriction set while they were outside applies once they are in.
            p = replace(prev, role=Role.RESTRICTED, date=p.date, inviter_id=inviter_id)
        self.set_participant(chat, user_id, p, actor_id or user_id, invite)

    # -- invite links ----------------------------------------------------------------
    def export_invite(
        self, chat: ChatState, admin_id: int, request_needed: bool = False, title: str | None = None
    ) -> Any:
        """Create a new ``https://t.me/+...`` link by ``admin_id``; returns ChatInviteExported."""
        alphabet = string.ascii_letters + string.digits
        link = "https://t.me/+" + "".join(self.world.rng.choice(alphabet) for _ in range(16))
        chat.invites.append(link)
        self.invite_meta[link] = (admin_id, self.now())
        return self.invite_tl(chat, link, request_needed, title)

    def invite_tl(
        self, chat: ChatState, link: str, request_needed: bool = False, title: str | None = None
    ) -> Any:
        admin_id, date = self.invite_meta.get(link, (chat.creator_id, chat.date))
        return types.ChatInviteExported(
            link=link,
            admin_id=admin_id,
            date=to_datetime(date),
            request_needed=request_needed or None,
            title=title,
            revoked=link in chat.revoked_invites or None,
        )

    def promote(self, chat: ChatState, user_id: int, rights: frozenset[str], by: int) -> None:
        prev = chat.participants.get(user_id)
        date = prev.date if prev and prev.role.is_participant else self.now()
        p = Participant(
            user_id=user_id, role=Role.ADMIN, date=date, admin_rights=rights, promoted_by=by
        )
        self.set_participant(chat, user_id, p, by)

    def demote(self, chat: ChatState, user_id: int, by: int) -> None:
        prev = chat.participants.get(user_id)
        date = prev.date if prev else self.now()
        self.set_participant(
            chat, user_id, Participant(user_id=user_id, role=Role.MEMBER, date=date), by
        )

    def apply_banned_rights(
        self, chat: ChatState, user_id: int, rights: frozenset[str], until: int, by: int
    ) -> None:
        """What channels.editBanned does to the target (the caller checked permissions)."""
        prev = chat.participants.get(user_id)
        date = prev.date if prev else self.now()
        new: Participant | None
        if "view_messages" in rights:
            new = Participant(
                user_id, Role.KICKED, date, banned_rights=rights, until_date=until, kicked_by=by
            )
        elif not rights:
            if prev is None or not prev.role.is_participant:
                new = None
            else:
                new = Participant(user_id, Role.MEMBER, date, inviter_id=prev.inviter_id)
        elif prev is not None and prev.role.is_participant:
            new = replace(
                prev, role=Role.RESTRICTED, banned_rights=rights, until_date=until, kicked_by=by
            )
        else:
            # Restricting a non-member works: Telegram keeps the rights for if they come in
            # (and they bind a discussion group's commenter at once).
            new = Participant(
                user_id,
                Role.RESTRICTED_LEFT,
                date,
                banned_rights=rights,
                until_date=until,
                kicked_by=by,
            )
        if prev is None and new is None:
            return
        self.set_participant(chat, user_id, new, by)


def _tl_or_none(p: Participant | None, viewer: int) -> Any:
    if p is None or p.role is Role.LEFT:
        return None
    return participant_tl(p, viewer)
