"""Postponed work in storage, on SQLite and PostgreSQL: every kind of action comes back as it
went in, the soonest due first, and each bot sees only its own."""

from __future__ import annotations

from gatekeeper.domain.actions import (
    DeleteMessage,
    Mute,
    Recheck,
    Release,
    SendNotice,
    StartGrace,
    Warn,
    Work,
)
from gatekeeper.domain.model import Channel
from gatekeeper.storage import Storage

GROUP = -1001700000000001
NEWS = Channel(id=-1002900000000001, title="News ‮ of the day", username="news_channel")
PRIVATE = Channel(id=-1002900000000002, title="Tea", invite_link="https://t.me/+abc")
ALICE = 5_000_000_001
BOT = 6_100_000_001
OTHER_BOT = 6_100_000_002

EVERY_KIND: tuple[Work, ...] = (
    Mute(GROUP, ALICE, (NEWS.id, PRIVATE.id)),
    Warn(GROUP, ALICE, (NEWS.id,), strike=True, message_id=77),
    SendNotice(GROUP, ALICE, (NEWS, PRIVATE), any_of=True),
    DeleteMessage(GROUP, 77, author_id=ALICE),
    StartGrace(GROUP, ALICE, 1_767_225_700.25),
    Release(GROUP, ALICE),
    Recheck(GROUP, ALICE, joined=(NEWS.id,), fresh=True),
)


async def test_every_kind_of_work_comes_back_as_it_was_postponed(database_url: str) -> None:
    async with await Storage.open(database_url) as storage:
        await storage.bind(BOT)
        later = await storage.postponed.add(2_000.0, EVERY_KIND[3:], None)
        sooner = await storage.postponed.add(
            1_000.5, EVERY_KIND[:3], "Alice ✨", access_hash=-8_765_432_109_876_543_210
        )

        kept = await storage.postponed.all()

    assert [(k.id, k.due_at, k.work, k.name, k.access_hash) for k in kept] == [
        (sooner, 1_000.5, EVERY_KIND[:3], "Alice ✨", -8_765_432_109_876_543_210),
        (later, 2_000.0, EVERY_KIND[3:], None, None),
    ]


async def test_work_done_is_forgotten_and_work_put_off_again_keeps_its_new_time(
    database_url: str,
) -> None:
    async with await Storage.open(database_url) as storage:
        await storage.bind(BOT)
        done = await storage.postponed.add(1.0, (Release(GROUP, ALICE),), None)
        again = await storage.postponed.add(1.0, (Recheck(GROUP, ALICE),), None)

        await storage.postponed.remove(done)
        await storage.postponed.reschedule(again, 90.0)

        kept = await storage.postponed.all()
    assert [(k.id, k.due_at) for k in kept] == [(again, 90.0)]


async def test_each_bot_sees_only_its_own_postponed_work(database_url: str) -> None:
    async with (
        await Storage.open(database_url) as first,
        await Storage.open(database_url) as second,
    ):
        await first.bind(BOT)
        await second.bind(OTHER_BOT)
        mine = await first.postponed.add(1.0, (Release(GROUP, ALICE),), None)
        await second.postponed.remove(mine)  # not the other bot's to remove

        assert [k.id for k in await first.postponed.all()] == [mine]
        assert await second.postponed.all() == []
