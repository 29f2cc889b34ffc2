"""Messages the bot owes when it stops or dies: notices that waited for the group's message
budget, and log lines that waited for a sweep. The next start sends each once, and a notice
whose member was released or left meanwhile not at all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from gatekeeper.sim import SimChat, SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say
from tests.scenarios.test_log_channel import with_log


def record_posts(stage: Stage) -> list[tuple[int, str]]:
    """Every message the bot posts from now on, (chat, text), deleted since or not."""
    posts: list[tuple[int, str]] = []
    ops = stage.sim.ops
    original = ops.post

    def recording(chat: Any, msg: Any, skip_bot: int | None = None) -> Any:
        if msg.sender_user_id == stage.bot.id:
            posts.append((chat.id, msg.text))
        return original(chat, msg, skip_bot)

    ops.post = recording  # type: ignore[method-assign]
    return posts


def times_named(posts: list[tuple[int, str]], chat: SimChat, member: SimUser) -> int:
    name = f"\u2068{member.first_name}\u2069"
    return sum(text.count(name) for chat_id, text in posts if chat_id == chat.state.id)


async def crowd_arrives(stage: Stage, size: int) -> tuple[list[SimUser], list[SimUser]]:
    """More members arrive at once than a minute's budget can tell: (all, the untold)."""
    await guarded(stage, members=())
    crowd = [stage.user(f"Visitor {i:02d}") for i in range(size)]
    for visitor in crowd:
        visitor.join(stage.group)
    await stage.settle()
    untold = [v for v in crowd if not notices_for(stage.group, stage.bot, v)]
    assert untold, "the group's budget ran out"
    return crowd, untold


@pytest.mark.parametrize("end", ["stop", "kill"])
async def test_notices_waiting_for_the_budget_are_sent_once_after_a_stop_or_a_crash(
    stage: Stage, end: str
) -> None:
    posts = record_posts(stage)
    crowd, _ = await crowd_arrives(stage, 30)

    await (stage.stop() if end == "stop" else stage.kill())
    await stage.start()
    for _ in range(3):
        await stage.pass_time(61)

    assert not any(stage.group.can_write(v) for v in crowd), "everyone is muted"
    assert [times_named(posts, stage.group, v) for v in crowd] == [1] * len(crowd)
    await stage.restart()
    await stage.pass_time(61)
    assert [times_named(posts, stage.group, v) for v in crowd] == [1] * len(crowd), "once"


async def test_a_waiting_notice_is_dropped_for_a_member_released_or_gone_meanwhile(
    stage: Stage,
) -> None:
    posts = record_posts(stage)
    _, untold = await crowd_arrives(stage, 25)
    subscribed, left, *others = untold

    await stage.stop()
    subscribed.join(stage.news)
    left.leave(stage.group)
    await stage.start()
    for _ in range(2):
        await stage.pass_time(61)

    assert stage.group.can_write(subscribed), "released at the start"
    assert times_named(posts, stage.group, subscribed) == 0
    assert times_named(posts, stage.group, left) == 0
    assert [times_named(posts, stage.group, v) for v in others] == [1] * len(others)


def log_lines(posts: list[tuple[int, str]], log: SimChat) -> list[str]:
    return [line for chat_id, text in posts if chat_id == log.state.id for line in text.split("\n")]


def mutes_logged(lines: Sequence[str], member: SimUser) -> int:
    return sum(
        line.startswith("[") and f"muted \u2068{member.first_name} (" in line for line in lines
    )


@pytest.mark.parametrize("end", ["stop", "kill"])
async def test_log_lines_not_sent_at_a_stop_or_a_crash_are_sent_once_after_the_start(
    stage: Stage, end: str
) -> None:
    posts = record_posts(stage)
    crowd = [stage.user(f"Member {n:03d}") for n in range(30)]
    log = await with_log(stage, crowd)
    await stage.pass_time(5)
    say_before = len(log_lines(posts, log))
    for member in crowd:
        member.send(stage.group, "hello")
    await stage.settle()  # muted, and their lines wait for the next sweep
    assert len(log_lines(posts, log)) == say_before, "nothing sent before the sweep"

    await (stage.stop() if end == "stop" else stage.kill())
    await stage.start()
    for _ in range(3):
        await stage.pass_time(61)

    lines = log_lines(posts, log)
    assert stage.app is not None
    trail = await stage.app.storage.audit.recent(stage.group.peer_id, limit=500)
    muted = {entry.user_id for entry in trail if entry.action == "mute"}
    assert len(muted) > len(crowd) / 2, "the mutes are in the audit trail"
    assert [mutes_logged(lines, m) for m in crowd if m.id in muted] == [1] * len(muted)
    deletions = sum(entry.action == "delete" for entry in trail)
    assert sum("deleted a message" in line for line in lines) == deletions
    await say(stage, stage.carol, stage.group, "/settings notice 5m")
    await stage.restart()
    await stage.pass_time(61)
    lines = log_lines(posts, log)
    assert [mutes_logged(lines, m) for m in crowd if m.id in muted] == [1] * len(muted), "once"
    assert sum("changed a setting" in line for line in lines) == 1
