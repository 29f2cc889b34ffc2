"""Private replies are bounded per user, in a table that cannot grow without end."""

from __future__ import annotations

from gatekeeper.clock import FrozenClock
from gatekeeper.telegram.private_replies import PrivateReplies


def test_one_reply_per_user_every_few_seconds() -> None:
    clock = FrozenClock(1000.0)
    replies = PrivateReplies(clock, interval=5.0)
    assert replies.allow(1)
    assert not replies.allow(1)
    assert replies.allow(2), "another user is not held back"
    clock.advance(5.0)
    assert replies.allow(1)


def test_the_table_forgets_the_oldest_users_first() -> None:
    clock = FrozenClock(1000.0)
    replies = PrivateReplies(clock, interval=5.0, size=2)
    assert replies.allow(1) and replies.allow(2) and replies.allow(3)
    assert replies.allow(1), "user 1 was forgotten to make room"
    assert not replies.allow(3)
