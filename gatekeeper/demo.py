"""`python run.py demo`: the product's stories against the simulated Telegram, as a transcript.

No credentials, no network: the real bot (the composition root, Telethon, SQLite) runs against
gatekeeper.sim, and the transcript shows what the group, its members and its admins see.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from gatekeeper import demo_rules
from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim import SimChat, SimMessage, SimUser
from gatekeeper.sim.stage import Stage


class Narrator:
    """Prints what appeared in, and vanished from, a chat since the last look."""

    def __init__(self, stage: Stage, chat: SimChat) -> None:
        self.stage = stage
        self.chat = chat
        self.seen: dict[int, SimMessage] = {}

    def who(self, message: SimMessage) -> str:
        if message.sender_user_id is not None:
            user = self.stage.sim.user(message.sender_user_id)
            return f"@{user.username}" if user.username else user.first_name
        if message.fwd_from_chat_id is not None:
            return f"{self.stage.sim.chat(message.fwd_from_chat_id).title} (forward)"
        if message.sender_chat_id is not None:
            return f"{self.stage.sim.chat(message.sender_chat_id).title} (as channel)"
        return "?"

    def look(self) -> None:
        current = {m.id: m for m in self.chat.messages()}
        for message_id, message in self.seen.items():
            if message_id not in current:
                print(f"      ✂ deleted: {self.who(message)}: {_short(message.text)}")
        for message_id, message in current.items():
            if message_id in self.seen:
                continue
            print(f"    {self.who(message)}: {_indent(message.text)}")
            for row in message.buttons:
                print("      " + "  ".join(f"[{button.text}]" for button in row))
        self.seen = current

    async def says(self, user: SimUser, text: str) -> None:
        """A member writes; the line is shown even if the bot removes it a moment later."""
        message = user.send(self.chat, text)
        print(f"    {self.who(message)}: {_indent(text)}")
        self.seen[message.id] = message
        await self.stage.settle()
        self.look()


def _short(text: str) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) < 70 else line[:67] + "..."


def _indent(text: str) -> str:
    return text.replace("\n", "\n      ")


async def play() -> int:
    configure_logging("ERROR")
    with tempfile.TemporaryDirectory() as folder:
        stage = Stage(f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}")
        try:
            await _stories(stage)
        finally:
            await stage.stop()
    return 0


def _can(stage: Stage, user: SimUser) -> str:
    return "can write" if stage.group.can_write(user) else "is muted"


async def _stories(stage: Stage) -> None:
    group, news, carol, alice, bob = stage.group, stage.news, stage.carol, stage.alice, stage.bob
    chat = Narrator(stage, group)

    def scene(title: str) -> None:
        print(f"\n== {title}")

    scene("Carol makes @gatekeeper_bot an admin of 'Coffee chat' and of her channel @news")
    stage.make_admin(group)
    stage.make_admin(news)
    alice.join(group)
    bob.join(group)
    bob.join(news)
    await stage.start()

    scene("Carol protects the group, and keeps a log in her channel @modlog")
    modlog = stage.sim.create_channel("Mod log", owner=carol, username="modlog")
    stage.make_admin(modlog)
    await chat.says(carol, "/protect @news")
    await chat.says(carol, "/logchannel @modlog")

    scene("Bob (subscribed) and Alice (not subscribed) write")
    await chat.says(bob, "morning all")
    await chat.says(alice, "hi! first time here")
    print(f"    -> Alice {_can(stage, alice)}, Bob {_can(stage, bob)}")

    scene("Alice presses 'I have joined' without joining")
    notice = [m for m in group.messages() if m.buttons][-1]
    query = await alice.press(notice)
    print(f"    (alert to Alice) {query.answer_text}")

    scene("Alice joins @news: the bot releases her at once")
    alice.join(news)
    await stage.settle()
    chat.look()
    await chat.says(alice, "thanks, joined!")
    print(f"    -> Alice {_can(stage, alice)}")

    scene("Bob leaves @news: he is muted again")
    bob.leave(news)
    await stage.settle()
    chat.look()
    print(f"    -> Bob {_can(stage, bob)}")

    scene("Dan arrives through an invite link, without the channel")
    dan = stage.user("Dan")
    dan.join(group)
    await stage.settle()
    chat.look()
    print(f"    -> Dan {_can(stage, dan)}")

    scene("Someone demotes the bot in @news: nobody is punished, admins are told once")
    news.demote(stage.bot, by=carol)
    await stage.settle()
    eve = stage.user("Eve")
    eve.join(group)
    await stage.settle()
    chat.look()
    print(f"    -> Eve {_can(stage, eve)} (the bot cannot check @news, so it mutes nobody)")
    news.promote(stage.bot, by=carol)
    await stage.settle()
    chat.look()

    await demo_rules.grace(stage, chat, scene)
    await demo_rules.join_requests(stage, chat, scene)

    scene("Carol asks for the status, then turns protection off")
    await chat.says(carol, "/status")
    await chat.says(carol, "/unprotect")
    print(f"    -> Bob {_can(stage, bob)}, Dan {_can(stage, dan)}")

    scene("The group speaks Russian; Farah's Telegram is in Persian")
    await chat.says(carol, "/settings language ru")
    await chat.says(carol, "/protect @news")
    farah = stage.user("Farah", lang_code="fa")
    farah.join(group)
    await chat.says(farah, "سلام")
    notice = [m for m in group.messages() if m.buttons][-1]
    query = await farah.press(notice)
    print(f"    (alert to Farah, in her own language) {query.answer_text}")

    scene("Carol writes the group's own notice")
    await chat.says(
        carol, "/settings notice-text {name}, {group} — только для читателей {channels}!"
    )
    ivan = stage.user("Ivan", lang_code="ru")
    ivan.join(group)
    await chat.says(ivan, "привет")

    scene("A stranger asks the bot for help in private")
    alice.start_private(stage.bot, "/start")
    await stage.settle()
    reply = alice.private_messages_from(stage.bot)[-1]
    print("    @gatekeeper_bot (private): " + _indent(reply.text))

    scene("Carol opens the settings panel in private and changes a setting with a press")
    await stage.pass_time(6)
    carol.start_private(stage.bot, "/settings")
    await stage.settle()
    panel = carol.private_messages_from(stage.bot)[-1]
    _show_private(panel)
    button = next(b for row in panel.buttons for b in row if b.text.startswith("Notice lasts"))
    query = await carol.press(panel, button.data)
    print(f"    (toast to Carol) {query.answer_text}")
    edited = carol.private_messages_from(stage.bot)[-1]
    print("    panel now: " + "  ".join(f"[{b.text}]" for b in edited.buttons[4]))

    scene("What the log channel @modlog shows")
    await stage.pass_time(5)
    for message in modlog.messages():
        for line in message.text.splitlines():
            print("    " + line)


def _show_private(message: SimMessage) -> None:
    print("    @gatekeeper_bot (private): " + _indent(message.text))
    for row in message.buttons:
        print("      " + "  ".join(f"[{button.text}]" for button in row))
