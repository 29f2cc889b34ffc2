"""How people arrive in and leave chats: joining, being added, invite links and join requests.

Each arrival pushes what Telegram pushes: an ``UpdateChannelParticipant`` (qts) to the admin
bots of the chat and, in supergroups, a service message (unless ``quietly``, as large groups
hide joins). Broadcast channels never get service messages for arrivals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telethon.tl import types

from gatekeeper.sim import join_requests
from gatekeeper.sim.errors import SimRefused
from gatekeeper.sim.world import Role, SimMessage, UserState

if TYPE_CHECKING:
    from gatekeeper.sim.actors import SimChat, SimUser
    from gatekeeper.sim.server import SimTelegram


class Membership:
    """Mixed into ``SimUser``: the actions that change who is in a chat."""

    sim: SimTelegram
    state: UserState

    def _announce(self, chat: SimChat, sender_id: int, action: Any, quietly: bool) -> None:
        if quietly or chat.broadcast:
            return
        ops = self.sim.ops
        ops.post(
            chat.state, SimMessage(0, chat.id, ops.now(), sender_user_id=sender_id, action=action)
        )

    def _arrival_allowed(self, chat: SimChat) -> bool:
        """False when already a participant (arrivals are then no-ops); refused when banned."""
        role = chat.state.role(self.state.id)
        if role is Role.KICKED:
            raise SimRefused("USER_BANNED_IN_CHANNEL", f"{self} is banned from {chat}")
        return not role.is_participant

    def join(self, chat: SimChat, quietly: bool = False) -> None:
        """Join a public chat by itself: update with actor_id = herself; in supergroups the
        service message ``MessageActionChatAddUser(users=[her])`` from her, unless ``quietly``.
        Refused (USER_BANNED_IN_CHANNEL) when banned; a no-op when already in."""
        if not self._arrival_allowed(chat):
            return
        self.sim.ops.join(chat.state, self.state.id)
        self._announce(
            chat, self.state.id, types.MessageActionChatAddUser(users=[self.state.id]), quietly
        )

    def add(self, chat: SimChat, user: SimUser, quietly: bool = False) -> None:
        """Add ``user``: needs the invite_users admin right, or plain membership when the chat
        lets members add people (``chat.members_can_add``, True by default in supergroups).

        Update: actor_id = the adder, new ChannelParticipant (the bot's own record, a
        ChannelParticipantSelf, carries inviter_id = the adder). Service message
        ``MessageActionChatAddUser(users=[user])`` from the adder. A banned user may be added
        back only by an admin with ban_users (else USER_KICKED); a no-op when already in.
        """
        me = self.state.id
        if user.id == me:
            raise ValueError("use join() to join by oneself")
        state = chat.state
        p = state.participants.get(me)
        as_member = (
            not chat.broadcast
            and chat.members_can_add
            and p is not None
            and p.role.is_participant
            and not (
                p.role is Role.RESTRICTED
                and "invite_users" in p.banned_rights
                and self.sim.ops.restriction_active(p)
            )
        )
        if not (state.has_admin_right(me, "invite_users") or as_member):
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{self} cannot add people to {chat}")
        role = state.role(user.id)
        if role is Role.KICKED and not state.has_admin_right(me, "ban_users"):
            raise SimRefused("USER_KICKED", f"{user} is banned from {chat}")
        if role.is_participant:
            return
        self.sim.ops.join(state, user.id, actor_id=me, inviter_id=me)
        self._announce(chat, me, types.MessageActionChatAddUser(users=[user.id]), quietly)

    def join_by_link(self, chat: SimChat, link: str | None = None, quietly: bool = False) -> None:
        """Join through an invite link (the chat's first, created by its owner if it has none).

        Update: actor_id = herself, ``invite`` = the ``ChatInviteExported``. Service message
        ``MessageActionChatJoinedByLink(inviter_id=<link creator>)`` from her. Unknown link:
        INVITE_HASH_INVALID; banned: USER_BANNED_IN_CHANNEL; already in: a no-op.
        """
        ops = self.sim.ops
        if link is not None and link not in chat.state.invites:
            raise SimRefused("INVITE_HASH_INVALID", f"{link} is not a link of {chat}")
        if link is not None and link in chat.state.revoked_invites:
            raise SimRefused("INVITE_HASH_EXPIRED", f"{link} was revoked")
        if not self._arrival_allowed(chat):
            return
        if link is None:
            working = chat.invite_links()
            if working:
                link = working[0]
            else:
                link = ops.export_invite(chat.state, chat.state.creator_id).link
        invite = ops.invite_tl(chat.state, link)
        ops.join(chat.state, self.state.id, inviter_id=invite.admin_id, invite=invite)
        action = types.MessageActionChatJoinedByLink(inviter_id=invite.admin_id)
        self._announce(chat, self.state.id, action, quietly)

    def leave(self, chat: SimChat) -> None:
        role = chat.state.role(self.state.id)
        if role is Role.CREATOR:
            raise SimRefused("USER_CREATOR", "the sim does not let the creator leave")
        if role.is_participant:
            self.sim.ops.set_participant(chat.state, self.state.id, None, self.state.id)

    def request_join(self, chat: SimChat) -> None:
        """Ask to join; admin bots with invite_users (or the chat's guard bot alone) get
        UpdateBotChatInviteRequester (see ``gatekeeper.sim.join_requests``)."""
        join_requests.request(self.sim.ops, chat.state, self.state.id)

    def block(self, bot: SimUser) -> None:
        """Block a bot: it can no longer write to her (USER_IS_BLOCKED)."""
        self.sim.world.blocked.add((self.state.id, bot.id))

    def approve_join(self, chat: SimChat, user: SimUser) -> None:
        """As an admin, approve a pending join request by hand (no ChatAction fires for it)."""
        if not chat.state.has_admin_right(self.state.id, "invite_users"):
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{self} cannot approve in {chat}")
        if chat.state.join_requests.pop(user.id, None) is None:
            raise SimRefused("HIDE_REQUESTER_MISSING", f"{user} did not ask to join {chat}")
        self.sim.ops.join(chat.state, user.id, actor_id=self.state.id)
        self._announce(chat, user.id, types.MessageActionChatJoinedByRequest(), quietly=False)

    def decline_join(self, chat: SimChat, user: SimUser) -> None:
        """As an admin, decline a pending join request by hand (the bot is not told)."""
        if not chat.state.has_admin_right(self.state.id, "invite_users"):
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{self} cannot decline in {chat}")
        if chat.state.join_requests.pop(user.id, None) is None:
            raise SimRefused("HIDE_REQUESTER_MISSING", f"{user} did not ask to join {chat}")
