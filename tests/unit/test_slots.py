"""The bound on updates handled at once: never more at once, first come first served."""

from __future__ import annotations

import asyncio

import pytest

from gatekeeper.telegram.slots import Slots


async def test_never_more_at_once_than_the_slots_and_in_order_of_arrival() -> None:
    slots = Slots(2)
    running = peak = 0
    order: list[int] = []

    async def work(n: int) -> None:
        nonlocal running, peak
        await slots.take()
        try:
            running += 1
            peak = max(peak, running)
            order.append(n)
            await asyncio.sleep(0)
        finally:
            running -= 1
            slots.give()

    await asyncio.gather(*(work(n) for n in range(10)))
    assert peak == 2
    assert order == list(range(10))
    assert slots.free == 2


async def test_a_waiter_cancelled_before_or_after_its_turn_loses_no_slot() -> None:
    slots = Slots(1)
    assert slots.try_take()
    first = asyncio.ensure_future(slots.take())
    second = asyncio.ensure_future(slots.take())
    await asyncio.sleep(0)
    first.cancel()  # still waiting
    slots.give()  # handed to the second
    second.cancel()  # cancelled after it was handed the slot, before it ran
    for task in (first, second):
        with pytest.raises(asyncio.CancelledError):
            await task
    assert slots.free == 1 and slots.try_take()


def test_no_slots_is_nonsense() -> None:
    with pytest.raises(ValueError):
        Slots(0)
