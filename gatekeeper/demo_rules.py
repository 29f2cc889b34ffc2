"""The demo's stories of the richer rules: a grace period for newcomers, and a group that
approves new members (join requests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gatekeeper.sim import SimMessage, SimUser
from gatekeeper.sim.stage import Stage

if TYPE_CHECKING:
    from gatekeeper.demo import Narrator


def _in(stage: Stage, user: SimUser) -> str:
    if not stage.group.is_member(user):
        return "is not in the group (the request waits)"
    return "is in the group and " + ("can write" if stage.group.can_write(user) else "is muted")


def _private(stage: Stage, user: SimUser) -> SimMessage:
    message = user.private_messages_from(stage.bot)[-1]
    text = message.text.replace("\n", "\n      ")
    print(f"    @gatekeeper_bot (private, to {user.first_name}): {text}")
    for row in message.buttons:
        print("      " + "  ".join(f"[{button.text}]" for button in row))
    return message


async def grace(stage: Stage, chat: Narrator, scene: Callable[[str], None]) -> None:
    scene("Carol gives newcomers ten minutes to join (/settings grace 10m)")
    await chat.says(stage.carol, "/settings grace 10m")
    finn = stage.user("Finn")
    finn.join(stage.group)
    await stage.settle()
    chat.look()
    await chat.says(finn, "hi, I will join the channel in a minute")
    print(f"    -> Finn {_in(stage, finn)} (within his grace)")
    await stage.pass_time(11 * 60)
    await chat.says(finn, "hello again, still not subscribed")
    print(f"    -> Finn {_in(stage, finn)} (the grace is over)")


async def join_requests(stage: Stage, chat: Narrator, scene: Callable[[str], None]) -> None:
    scene("The group now approves new members: Gina (subscribed) asks to join")
    gina = stage.user("Gina")
    gina.join(stage.news)
    gina.request_join(stage.group)
    await stage.settle()
    chat.look()
    print(f"    -> Gina {_in(stage, gina)} (approved at once)")

    scene("Hank asks to join without the channel: the bot writes to him privately")
    hank = stage.user("Hank")
    hank.request_join(stage.group)
    await stage.settle()
    message = _private(stage, hank)
    print(f"    -> Hank {_in(stage, hank)}")
    stage.clock.advance(10)
    query = await hank.press(message)
    await stage.settle()
    print(f"    (alert to Hank) {query.answer_text}")

    scene("Hank joins @news and presses again: his request is approved")
    hank.join(stage.news)
    stage.clock.advance(10)
    query = await hank.press(message)
    await stage.settle()
    print(f"    (answer to Hank) {query.answer_text}")
    chat.look()
    print(f"    -> Hank {_in(stage, hank)}")
