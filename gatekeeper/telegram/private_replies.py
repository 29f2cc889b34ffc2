"""A bound on replies in private chats, so that nobody can spend the bot's sending budget."""

from __future__ import annotations

from collections import OrderedDict

from gatekeeper.clock import Clock

PRIVATE_REPLY_INTERVAL = 5.0  # at most one reply per user in this many seconds
PRIVATE_REPLY_TABLE = 10_000  # users remembered; the oldest are forgotten first


class PrivateReplies:
    def __init__(
        self,
        clock: Clock,
        interval: float = PRIVATE_REPLY_INTERVAL,
        size: int = PRIVATE_REPLY_TABLE,
    ) -> None:
        self._clock = clock
        self._interval = interval
        self._size = size
        self._last: OrderedDict[int, float] = OrderedDict()

    def allow(self, user_id: int) -> bool:
        """Whether the bot may reply to this user now (and, if so, counts the reply)."""
        now = self._clock.now()
        last = self._last.get(user_id)
        if last is not None and now - last < self._interval:
            return False
        self._last[user_id] = now
        self._last.move_to_end(user_id)
        while len(self._last) > self._size:
            self._last.popitem(last=False)
        return True
