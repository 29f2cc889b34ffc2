"""A start with many mutes on record: they are re-checked in the background, at the lowest
priority and within Telegram's limits, while the bot answers its members at once; a flood wait
pauses the re-check (one line in the log, no traceback) and it goes on where it stopped."""

from __future__ import annotations

from typing import Any

import pytest
from structlog.testing import capture_logs

from gatekeeper.domain.model import BannedRights, Restriction
from gatekeeper.domain.rights import MUTE_FLAGS
from gatekeeper.settings import Settings
from gatekeeper.sim import Participant, Role
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, say

ON_RECORD = 400  # muted by the previous run; every other one subscribed while it was down
WAIT = 120


def _fast(stage: Stage, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pacer's budget lifted (as the benchmark does): its rate is not what is tested here,
    and 30 requests a second of real time would make this story last a minute."""
    settings = stage.settings

    def lifted(bot: Any = None) -> Settings:
        return settings(bot).model_copy(update={"telegram_rate": 1e9, "telegram_burst": 1e9})

    monkeypatch.setattr(stage, "settings", lifted)


async def _muted_on_record(stage: Stage, count: int) -> list[int]:
    """Members muted by the bot's previous run, as Telegram and the database both have it."""
    assert stage.app is not None
    group = stage.group
    members = []
    for n in range(count):
        member = stage.user(f"Muted {n}")
        group.state.participants[member.id] = Participant(
            member.id,
            Role.RESTRICTED,
            group.state.date,
            banned_rights=MUTE_FLAGS,
            kicked_by=stage.bot.id,
        )
        if n % 2:
            stage.news.state.participants[member.id] = Participant(
                member.id, Role.MEMBER, stage.news.state.date
            )
        await stage.app.storage.restrictions.save(
            Restriction(
                group.peer_id, member.id, BannedRights(), stage.clock.now(), (stage.news.peer_id,)
            ),
            access_hash=member.state.access_hash,
        )
        members.append(member.id)
    return members


async def test_a_start_with_hundreds_of_mutes_on_record_answers_at_once_and_rechecks_them_later(
    stage: Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fast(stage, monkeypatch)
    await guarded(stage)
    members = await _muted_on_record(stage, ON_RECORD)
    await stage.stop()
    # Telegram slows the bot down a third of the way through the re-check.
    stage.sim.faults.flood_wait("GetParticipantRequest", WAIT, after=ON_RECORD // 3)

    with capture_logs() as logs:
        await stage.start()
        assert stage.app is not None
        registry = stage.app.registry
        paused = len(registry.restrictions)
        assert ON_RECORD // 2 < paused < ON_RECORD, "part re-checked, then paused"

        # Look-ups wait for Telegram (a flood wait holds for every chat), the rest does not:
        # an admin's command is answered at once, with what the bot can say now.
        await say(stage, stage.carol, stage.group, "/status")
        assert "wait" in last_reply(stage.group, stage.bot)

        await stage.pass_time(WAIT + 1)

    subscribed = {m for i, m in enumerate(members) if i % 2}
    still_muted = {user for _, user in registry.restrictions}
    assert still_muted == set(members) - subscribed, "everyone re-checked, once the wait was over"
    assert all(stage.group.can_write(stage.sim.user(m)) for m in subscribed)
    assert not any("exc_info" in line or line["log_level"] == "error" for line in logs)
    warnings = [line["event"] for line in logs if line["log_level"] == "warning"]
    assert warnings.count("flood_wait") == 1
    assert warnings.count("reconcile_paused") == 1
    assert len(warnings) <= 5, warnings
