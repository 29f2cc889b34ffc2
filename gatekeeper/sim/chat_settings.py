"""How admins change a chat: its title and username, join_to_send, invite links.

Telegram tells the chat's members of such a change with ``updateChannel``, which "will always
come bundled with the updated channel" (core.telegram.org/constructor/updateChannel); a title
change also posts ``MessageActionChatEditTitle``. Revoking a link pushes nothing: the link just
stops working (INVITE_HASH_EXPIRED) and reads back with ``revoked`` set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telethon.tl import types

from gatekeeper.sim.errors import SimRefused
from gatekeeper.sim.world import ChatState, SimMessage

if TYPE_CHECKING:
    from gatekeeper.sim.actors import SimUser
    from gatekeeper.sim.server import SimTelegram


class ChatSettings:
    """Mixed into ``SimChat``: what an admin may change about the chat."""

    sim: SimTelegram
    state: ChatState

    def _require(self, by: SimUser, right: str) -> None:
        if not self.state.has_admin_right(by.id, right):
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{by} may not change {self}")

    def _announce_change(self) -> None:
        """updateChannel to every connected bot in the chat, with the changed chat bundled."""
        update = types.UpdateChannel(channel_id=self.state.id)
        for bot_id in self.sim.hub.bots_in(self.state):
            self.sim.hub.push(bot_id, [update])

    def rename(self, by: SimUser, *, title: str | None = None, username: str | None = "") -> None:
        """Change the title and/or the public username (None: make it private; "" leaves it)."""
        self._require(by, "change_info")
        if username:
            taken = self.sim.world.find_username(username)
            if taken is not None and taken is not self.state:
                raise SimRefused("USERNAME_OCCUPIED", f"@{username} is taken")
        if username != "":
            self.state.username = username
        if title is not None and title != self.state.title:
            self.state.title = title
            ops = self.sim.ops
            note = SimMessage(
                0,
                self.state.id,
                ops.now(),
                sender_user_id=None if self.state.broadcast else by.id,
                sender_chat_id=self.state.id if self.state.broadcast else None,
                action=types.MessageActionChatEditTitle(title=title),
            )
            ops.post(self.state, note)
        self._announce_change()

    def set_join_to_send(self, enabled: bool, by: SimUser) -> None:
        """channels.toggleJoinToSend (users only; bots cannot call it): in a discussion group,
        only members may comment."""
        self._require(by, "ban_users")
        if self.state.broadcast or self.state.linked_chat_id is None:
            raise SimRefused("CHAT_ID_INVALID", f"{self} is not a discussion group")
        if self.state.join_to_send == enabled:
            raise SimRefused("CHAT_NOT_MODIFIED", "join_to_send is already so")
        self.state.join_to_send = enabled
        self._announce_change()

    def set_guard_bot(self, bot: SimUser | None, by: SimUser) -> None:
        """channels.toggleJoinRequest(enabled=True, guard_bot=bot) (users only): join requests
        on, answered first by `bot` (None: by the admins only). The sim wants the guard bot to
        be an admin with the invite right, as it must be to let anyone in."""
        self._require(by, "invite_users")
        if bot is not None and not self.state.has_admin_right(bot.id, "invite_users"):
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{bot} cannot let anyone into {self}")
        self.state.guard_bot_id = bot.id if bot is not None else None

    def revoke_invite(self, link: str, by: SimUser) -> None:
        """messages.editExportedChatInvite(revoked=True): the link stops working."""
        self._require(by, "invite_users")
        if link not in self.state.invites:
            raise SimRefused("INVITE_HASH_INVALID", f"{link} is not a link of {self}")
        self.state.revoked_invites.add(link)
