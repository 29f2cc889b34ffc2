"""A warm-up's progress and the members its listing showed, as the database keeps them."""

from __future__ import annotations

from gatekeeper.domain.warmup import Phase, Reason, WarmupProgress, WarmupState
from gatekeeper.storage import Storage
from gatekeeper.storage.warmups import ListedMember

BOT = 6_100_000_001
GROUP = -1001000000001


async def test_progress_round_trips_and_members_are_kept_once(database_url: str) -> None:
    async with await Storage.open(database_url) as storage:
        await storage.bind(BOT)
        progress = WarmupProgress(
            GROUP,
            Reason.CLI,
            WarmupState.WAITING,
            Phase.LISTING,
            queries=("ab", "ac"),
            offset=400,
            queries_done=30,
            total=12_345,
            rate=2.5,
            rate_changed_at=1_700_000_000.25,
            started_at=1_700_000_000.0,
            resume_at=1_700_000_030.0,
        )
        await storage.warmups.save(progress)
        assert await storage.warmups.get(GROUP) == progress
        assert await storage.warmups.all() == [progress]

        first = [ListedMember(i, "member", i * 10) for i in range(1, 801)]
        assert await storage.warmups.add_members(GROUP, first) == 800
        again = [ListedMember(5, "member", 50), ListedMember(900, "admin")]
        assert await storage.warmups.add_members(GROUP, again) == 1, "each member once"
        batch = await storage.warmups.members(GROUP, after=798, limit=2)
        assert batch == [ListedMember(799, "member", 7990), ListedMember(800, "member", 8000)]

        await storage.warmups.forget_members(GROUP)
        assert await storage.warmups.members(GROUP) == []
