"""How many distinct members were seen (subscribed, since the start), in bounded memory.

Exact while few (a set of ids), then a HyperLogLog sketch of 4,096 one-byte registers (4 KB,
about 1.6% standard error) however many more come: a group of millions costs no more than
one of a thousand.
"""

from __future__ import annotations

import hashlib
import math

EXACT_LIMIT = 1_000  # ids kept one by one before switching to the sketch
_BITS = 12
_REGISTERS = 1 << _BITS
_ALPHA = 0.7213 / (1 + 1.079 / _REGISTERS)


class SeenCount:
    __slots__ = ("_ids", "_registers")

    def __init__(self) -> None:
        self._ids: set[int] | None = set()
        self._registers: bytearray | None = None

    def add(self, member_id: int) -> None:
        if self._ids is not None:
            self._ids.add(member_id)
            if len(self._ids) <= EXACT_LIMIT:
                return
            ids, self._ids = self._ids, None
            self._registers = bytearray(_REGISTERS)
            for each in ids:
                self._mark(each)
            return
        self._mark(member_id)

    @property
    def exact(self) -> bool:
        return self._ids is not None

    def __len__(self) -> int:
        if self._ids is not None:
            return len(self._ids)
        assert self._registers is not None
        registers = self._registers
        estimate = _ALPHA * _REGISTERS**2 / sum(2.0**-r for r in registers)
        empty = registers.count(0)
        if estimate <= 2.5 * _REGISTERS and empty:
            estimate = _REGISTERS * math.log(_REGISTERS / empty)  # linear counting: few seen
        return round(estimate)

    def _mark(self, member_id: int) -> None:
        assert self._registers is not None
        digest = hashlib.blake2b(member_id.to_bytes(16, "little", signed=True), digest_size=8)
        value = int.from_bytes(digest.digest(), "little")
        index = value & (_REGISTERS - 1)
        rest = value >> _BITS
        rank = (64 - _BITS) - rest.bit_length() + 1  # leading zeros of the rest, plus one
        if rank > self._registers[index]:
            self._registers[index] = rank
