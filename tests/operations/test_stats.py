"""`stats` shows an operator the groups, their links, who is muted and what the bot did."""

from __future__ import annotations

import io
import json
from pathlib import Path

from gatekeeper.cli.stats import stats
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, say


async def test_stats_count_groups_links_mutes_and_releases(
    tmp_path: Path, database_url: str
) -> None:
    stage = Stage(database_url, session=tmp_path / "bot.session")
    try:
        await guarded(stage, members=(stage.alice, stage.bob))
        await say(stage, stage.alice, stage.group, "hi")
        await say(stage, stage.bob, stage.group, "hello")
        stage.bob.join(stage.news)
        stage.sim.create_user("Dan").request_join(stage.group)  # asked to subscribe first
        await stage.settle()
        settings = stage.settings()

        out = io.StringIO()
        assert await stats(settings, as_json=True, out=out) == 0
        report = json.loads(out.getvalue())
        assert report["totals"] == {
            "protected_groups": 1,
            "unguarded_groups": 0,
            "links": 1,
            "unhealthy_links": 0,
            "muted": 1,
            "verified": 1,
            "join_requests": 1,
        }
        (group,) = report["groups"]
        assert group["title"] == "Coffee chat" and group["links"][0]["channel"] == "@news"
        assert group["bot_state"] == "ok" and group["join_requests"] == 1
        recent = [e["action"] for e in group["recent"]][:5]
        assert recent == ["release", "delete", "mute", "delete", "mute"], "their messages too"
        assert group["recent"][0]["user_id"] == stage.bob.id

        text = io.StringIO()
        assert await stats(settings, out=text) == 0
        shown = text.getvalue()
        assert "1 protected group(s), 1 channel link(s) (0 unhealthy)" in shown
        assert "channel @news: healthy" in shown
        assert "muted 1, verified 1, join requests waiting 1" in shown
    finally:
        await stage.stop()
