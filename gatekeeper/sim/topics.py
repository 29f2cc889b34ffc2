"""Forum topics, as Telegram has them: a supergroup with ``forum`` set has a General topic
(messages with no reply header) and topics made by ``channels.createForumTopic``, each a
``MessageActionTopicCreate`` service message whose id is the topic's id. A message in a topic
carries ``MessageReplyHeader(forum_topic=True, reply_to_msg_id=<topic id>)``, or, replying to
another message there, that message's id and ``reply_to_top_id=<topic id>``. Sending with
``reply_to`` a topic's id (or any message in it) posts in that topic; without, in General.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telethon.tl import types

from gatekeeper.sim.errors import SimRefused
from gatekeeper.sim.world import ChatState, SimMessage

if TYPE_CHECKING:
    from gatekeeper.sim.actors import SimUser
    from gatekeeper.sim.server import SimTelegram

ICON_COLOR = 0x6FB9F0  # one of the colours Telegram allows for a topic's icon


def topic_of(chat: ChatState, reply_to: int | None) -> int | None:
    """The topic a message replying to ``reply_to`` lands in (None: General, or no forum)."""
    if not chat.forum or reply_to is None:
        return None
    target = chat.messages.get(reply_to)
    if target is None:
        return None
    if isinstance(target.action, types.MessageActionTopicCreate):
        return target.id
    return target.topic


class Topics:
    """Mixed into ``SimChat``: turning topics on, making topics, reading one topic."""

    sim: SimTelegram
    state: ChatState

    def enable_topics(self, by: SimUser) -> None:
        """channels.toggleForum: the creator (or an admin who may change info) turns it on."""
        if not self.state.has_admin_right(by.id, "change_info") or self.state.broadcast:
            raise SimRefused("CHAT_ADMIN_REQUIRED", f"{by} may not enable topics")
        self.state.forum = True
        update = types.UpdateChannel(channel_id=self.state.id)
        for bot_id in self.sim.hub.bots_in(self.state):
            self.sim.hub.push(bot_id, [update])

    def create_topic(self, title: str, by: SimUser) -> int:
        """A new topic (channels.createForumTopic); its id, to write in it with reply_to."""
        if not self.state.forum:
            raise SimRefused("CHANNEL_FORUM_MISSING", "topics are not enabled")
        if not self.state.is_participant(by.id):
            raise SimRefused("CHAT_WRITE_FORBIDDEN", f"{by} is not in the group")
        action = types.MessageActionTopicCreate(title=title, icon_color=ICON_COLOR)
        msg = SimMessage(0, self.state.id, self.sim.ops.now(), sender_user_id=by.id, action=action)
        self.sim.ops.post(self.state, msg)
        return msg.id

    def topic_messages(self, topic_id: int | None) -> list[SimMessage]:
        """Messages still visible in a topic (None: General), oldest first."""
        return [m for m in self.state.messages.values() if not m.is_service and m.topic == topic_id]
