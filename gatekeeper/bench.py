"""`python run.py bench`: what a message costs, measured on the real bot over the sim.

Three figures: the hot path's decision alone (a known subscriber, straight into the gate), the
same messages end to end (sim -> Telethon -> handlers -> gate), and first messages from members
the bot has never seen (each costs Telegram calls). Telethon and the sim are in every end-to-end
figure, so they bound it from below; the decision figure is the bot's own cost.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from gatekeeper.domain.events import MessagePosted, Sender, SenderKind
from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim.stage import Stage


async def run_bench(messages: int = 20_000) -> int:
    configure_logging("ERROR")
    with tempfile.TemporaryDirectory() as folder:
        stage = Stage(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            await _measure(stage, messages)
        finally:
            await stage.stop()
    return 0


async def _measure(stage: Stage, messages: int) -> None:
    members = [stage.user(f"Member {i}") for i in range(200)]
    newcomers = [stage.user(f"Newcomer {i}") for i in range(100)]
    for newcomer in newcomers:  # subscribed before the bot arrived: unknown to its cache
        newcomer.join(stage.news)
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    for member in members:
        member.join(stage.news)
        member.join(stage.group)
    app = await stage.start()
    stage.carol.send(stage.group, "/protect @news")
    await stage.settle()
    for member in members:  # warm the membership cache: one check each
        member.send(stage.group, "hello")
    await stage.settle()

    group_id = stage.group.peer_id
    gate = app.gate
    posts = [
        MessagePosted(group_id, i, Sender(SenderKind.USER, members[i % len(members)].id))
        for i in range(messages)
    ]
    started = time.perf_counter()
    for post in posts:
        await gate.on_message(post)
    decision = (time.perf_counter() - started) / messages

    end_to_end = min(messages, 4_000)
    stage.sim.requests.clear()
    started = time.perf_counter()
    for i in range(end_to_end):
        members[i % len(members)].send(stage.group, "still here")
        if i % 200 == 199:
            await stage.settle()
    await stage.settle()
    e2e = time.perf_counter() - started
    hot_requests = sum(stage.sim.requests.values())
    assert all(stage.group.can_write(m) for m in members)

    stage.sim.requests.clear()
    started = time.perf_counter()
    for newcomer in newcomers:
        newcomer.join(stage.group)
        newcomer.send(stage.group, "first words")
    await stage.settle()
    cold = time.perf_counter() - started
    cold_requests = sum(stage.sim.requests.values())
    assert all(stage.group.can_write(n) for n in newcomers)

    print("gatekeeper bench (real bot over the simulated Telegram, SQLite)")
    print(
        f"  hot path decision, known subscriber: {decision * 1e6:8.2f} µs/message "
        f"({1 / decision:,.0f} messages/s, {messages:,} messages)"
    )
    print(
        f"  hot path end to end (sim+Telethon):  {e2e / end_to_end * 1e6:8.1f} µs/message "
        f"({end_to_end / e2e:,.0f} messages/s); Telegram requests: {hot_requests}"
    )
    print(
        f"  unknown subscriber joins and writes: {cold / len(newcomers) * 1e3:8.2f} ms/member; "
        f"Telegram requests per member: {cold_requests / len(newcomers):.1f}"
    )
