"""A Redis that cannot be reached is counted in gatekeeper_redis_errors_total."""

from __future__ import annotations

import re
from pathlib import Path

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, say


async def test_failed_redis_calls_show_in_the_metrics(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'gatekeeper.db'}"
    stage = Stage(database, session=tmp_path / "bot.session", redis_url="redis://127.0.0.1:1/0")
    try:
        await guarded(stage)
        await say(stage, stage.alice, stage.group, "hi")
        assert not stage.group.can_write(stage.alice), "the bot works from memory alone"
        assert stage.app is not None

        rendered = stage.app.metrics.render().decode()
        found = re.search(r"^gatekeeper_redis_errors_total (\S+)$", rendered, re.M)
        assert found is not None and float(found.group(1)) >= 1
    finally:
        await stage.stop()
