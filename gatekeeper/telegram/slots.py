"""A bound on updates handled at once whose free slot costs no coroutine (the hot path).

asyncio.Semaphore's `async with` runs three coroutines per update even when a slot is free;
here a free slot is taken with one call and only a full house waits (first come, first
served, a freed slot handed straight to the longest waiter).
"""

from __future__ import annotations

import asyncio
from collections import deque


class Slots:
    def __init__(self, count: int) -> None:
        if count < 1:
            raise ValueError("at least one slot")
        self._free = count
        self._waiting: deque[asyncio.Future[None]] = deque()

    def try_take(self) -> bool:
        """Take a free slot at once, if there is one and nobody waits for it."""
        if self._free and not self._waiting:
            self._free -= 1
            return True
        return False

    async def take(self) -> None:
        if self.try_take():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give()  # handed a slot, then cancelled: pass it on
            elif waiter in self._waiting:  # a `give` may have dropped it already
                self._waiting.remove(waiter)
            raise

    def give(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot goes to them: `free` stays as it is
                return
        self._free += 1

    @property
    def free(self) -> int:
        return self._free
