"""One owner of Telegram pacing: urgent work first, transient failures retried, waits honoured."""

from __future__ import annotations

import asyncio

import pytest
from telethon import errors, types

from gatekeeper.clock import FrozenClock
from gatekeeper.domain.pacing import Priority
from gatekeeper.observability.metrics import Metrics
from gatekeeper.sim.stage import Stage
from gatekeeper.telegram.pacing import FloodWaited, Pacer, priority
from tests.scenarios.helpers import guarded, say


class VirtualTime:
    """Seconds that pass only when the pacer sleeps (no wall clock in tests)."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        for _ in range(3):  # let other tasks run meanwhile, as a real sleep would
            await asyncio.sleep(0)
        self.now += seconds


def pacer(time: VirtualTime, clock: FrozenClock | None = None, **options: float) -> Pacer:
    return Pacer(
        clock or FrozenClock(),
        Metrics(),
        monotonic=time.monotonic,
        sleep=time.sleep,
        draw=lambda: 0.5,
        **options,  # type: ignore[arg-type]
    )


async def test_a_mute_queued_behind_warm_up_checks_goes_first() -> None:
    time = VirtualTime()
    paced = pacer(time, rate=1.0, burst=2.0)
    sent: list[str] = []  # in the order the pacer let them out

    async def request(name: str, level: Priority) -> None:
        async def send() -> None:
            sent.append(name)

        with priority(level):
            await paced.run(name, send)

    warm_ups = [asyncio.create_task(request(f"check {i}", Priority.WARMUP)) for i in range(4)]
    await asyncio.sleep(0)
    assert sent == ["check 0"], "the others wait: the warm-up leaves half the bucket"
    mute = asyncio.create_task(request("mute", Priority.ENFORCE))
    await asyncio.gather(*warm_ups, mute)

    assert sent[:2] == ["check 0", "mute"], f"the mute waited behind the warm-up: {sent}"
    assert sorted(sent) == ["check 0", "check 1", "check 2", "check 3", "mute"]


async def test_the_warm_up_never_spends_the_reserve_that_mutes_need() -> None:
    time = VirtualTime()
    paced = pacer(time, rate=10.0, burst=10.0)
    with priority(Priority.WARMUP):
        for _ in range(5):
            await paced.run("GetParticipant", lambda: asyncio.sleep(0))
    assert time.now == 0.0, "five of ten tokens may go at once"
    await paced.run("EditBanned", lambda: asyncio.sleep(0))
    for _ in range(4):
        await paced.run("EditBanned", lambda: asyncio.sleep(0))
    assert time.now == 0.0, "the other five were still there for mutes"


async def test_a_long_flood_wait_turns_later_calls_of_that_method_away_not_others() -> None:
    time = VirtualTime()
    clock = FrozenClock()
    paced = pacer(time, clock)

    async def flooded() -> None:
        raise errors.FloodWaitError(request=None, capture=300)

    with pytest.raises(FloodWaited):
        await paced.run("GetParticipant", flooded)
    with pytest.raises(FloodWaited) as again:
        await paced.run("GetParticipant", lambda: asyncio.sleep(0))
    assert again.value.seconds == 300
    assert await paced.run("EditBanned", lambda: asyncio.sleep(0, result="ok")) == "ok"
    clock.advance(300)
    assert await paced.run("GetParticipant", lambda: asyncio.sleep(0, result="ok")) == "ok"


def telegram_error(code: int, message: str) -> Exception:
    """The error Telethon raises for Telegram's answer (as the sim and Telegram give it)."""
    error: Exception = errors.rpc_message_to_error(types.RpcError(code, message), None)
    return error


async def test_a_flood_premium_wait_is_a_flood_wait_like_any_other() -> None:
    time = VirtualTime()
    paced = pacer(time)

    async def flooded() -> None:
        raise telegram_error(420, "FLOOD_PREMIUM_WAIT_300")

    with pytest.raises(FloodWaited):
        await paced.run("SendMessage", flooded)
    with pytest.raises(FloodWaited) as again:
        await paced.run("SendMessage", lambda: asyncio.sleep(0))
    assert again.value.seconds == 300, "later calls of the method wait as told"


async def test_one_chats_slow_mode_makes_that_message_wait_not_every_message() -> None:
    time = VirtualTime()
    paced = pacer(time)

    async def slowed() -> None:
        raise telegram_error(420, "SLOWMODE_WAIT_600")

    with pytest.raises(FloodWaited) as waited:
        await paced.run("SendMessage", slowed)
    assert waited.value.seconds == 600
    assert await paced.run("SendMessage", lambda: asyncio.sleep(0, result="ok")) == "ok"


async def test_a_short_slow_mode_wait_is_slept_and_the_message_sent() -> None:
    time = VirtualTime()
    paced = pacer(time)
    answers = [telegram_error(420, "SLOWMODE_WAIT_2")]

    async def send() -> str:
        if answers:
            raise answers.pop()
        return "sent"

    assert await paced.run("SendMessage", send) == "sent"
    assert time.now >= 2


@pytest.mark.parametrize(("code", "message"), [(500, "INTERNAL"), (-503, "Timeout")])
async def test_a_transient_telegram_error_is_retried_and_the_member_still_muted(
    stage: Stage, code: int, message: str
) -> None:
    await guarded(stage)
    stage.sim.faults.error("GetParticipantRequest", code, message, times=2)

    await say(stage, stage.alice, stage.group, "hi")

    assert not stage.group.can_write(stage.alice)
