"""Members who left long ago are forgotten, access hashes included; nobody the bot must still
release or mute is stranded by it, whatever a restart leaves of the session file."""

from __future__ import annotations

from pathlib import Path

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, say

HOUR = 3600.0
RETENTION = 30 * 86_400.0  # GATEKEEPER_HASH_RETENTION's default


def hashes(stage: Stage) -> dict[int, int]:
    assert stage.app is not None
    return stage.app.registry.access_hashes


async def test_who_left_long_ago_is_forgotten_who_is_muted_is_not_also_after_a_restart(
    tmp_path: Path, database_url: str
) -> None:
    # Reconciled only at start: Alice's mute stays on record after she leaves, until then.
    stage = Stage(database_url, session=tmp_path / "bot.session", reconcile_interval=0.0)
    dan = stage.sim.create_user("Dan")
    try:
        await guarded(stage, members=(stage.alice, stage.bob, dan))
        for member in (stage.alice, stage.bob, dan):
            await say(stage, member, stage.group, "hello")  # none of them is subscribed
        stage.bob.join(stage.news)  # released
        await stage.settle()
        assert stage.group.can_write(stage.bob)
        stage.bob.leave(stage.group)
        stage.bob.leave(stage.news)
        stage.alice.leave(stage.group)  # still muted there, on record
        await stage.settle()
        assert {stage.alice.id, stage.bob.id, dan.id} <= set(hashes(stage))

        await stage.pass_time(HOUR)
        await stage.pass_time(RETENTION)

        assert stage.bob.id not in hashes(stage), "left long ago, and nothing names him"
        assert stage.alice.id in hashes(stage), "her mute is still on record"
        assert dan.id in hashes(stage), "muted, and still in the group"
        assert stage.group.peer_id in hashes(stage), "a chat's hash is kept"

        await stage.kill()  # and the session file is lost: Telethon remembers nobody
        assert stage.session is not None
        stage.session.rename(stage.session.with_name("lost.session"))
        dan.join(stage.news)  # while the bot is down
        await stage.start()
        await stage.settle()

        assert stage.group.can_write(dan), "released: his hash was kept with his mute"
        assert stage.app is not None
        assert stage.app.registry.restriction(stage.group.peer_id, stage.alice.id) is None
        assert stage.bob.id not in hashes(stage), "nothing in the database named him"
        stage.bob.join(stage.group)  # back, and no longer subscribed
        await say(stage, stage.bob, stage.group, "I am back")
        assert not stage.group.can_write(stage.bob), "muted: his message said who he is"

        await stage.pass_time(HOUR)  # Alice's record went at the start's reconciliation
        await stage.pass_time(RETENTION)
        assert stage.alice.id not in hashes(stage)
        assert stage.bob.id in hashes(stage) and dan.id not in hashes(stage)
    finally:
        await stage.stop()
