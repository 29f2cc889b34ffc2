"""Small readable steps shared by the scenario stories."""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.domain.callbacks import encode_verify
from gatekeeper.sim import SimChat, SimMessage, SimUser
from gatekeeper.sim.stage import Stage


async def protect(stage: Stage, *channels: SimChat, by: SimUser | None = None) -> str:
    """An admin (Carol by default) protects the group; the bot's reply."""
    names = " ".join(f"@{c.username}" if c.username else str(c.peer_id) for c in channels)
    await say(stage, by or stage.carol, stage.group, f"/protect {names}")
    return last_reply(stage.group, stage.bot)


async def say(stage: Stage, who: SimUser, chat: SimChat, text: str) -> SimMessage:
    message = who.send(chat, text)
    await stage.settle()
    return message


def last_reply(chat: SimChat, bot: SimUser) -> str:
    mine = [m for m in chat.messages() if m.sender_user_id == bot.id]
    assert mine, "the bot said nothing"
    return mine[-1].text


def notices_for(chat: SimChat, bot: SimUser, user: SimUser) -> list[SimMessage]:
    """The bot's notices in a chat addressed to `user` (their "I have joined" button)."""
    data = encode_verify(user.id)
    return [
        m
        for m in chat.messages()
        if m.sender_user_id == bot.id and any(b.data == data for row in m.buttons for b in row)
    ]


def button_urls(message: SimMessage) -> list[str]:
    return [b.url for row in message.buttons for b in row if b.url]


async def guarded(stage: Stage, members: Sequence[SimUser] | None = None) -> str:
    """The usual start: the bot is admin of the group and of @news, `members` (Alice unless
    told otherwise) are in the group, and Carol protects it with @news. The bot's reply."""
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    for member in (stage.alice,) if members is None else members:
        member.join(stage.group)
    await stage.start()
    return await protect(stage, stage.news)
