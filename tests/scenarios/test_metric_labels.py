"""Metrics never name a member or a group: after a busy scenario, no label is about one, and no
label value is an id the scenario used (cardinality stays bounded however many join)."""

from __future__ import annotations

import re

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, notices_for, say

LABEL = re.compile(r'(\w+)="([^"]*)"')
ABOUT_SOMEONE = {"group", "group_id", "chat", "chat_id", "channel", "user", "user_id", "member"}


async def test_no_metric_label_names_a_member_or_a_group(stage: Stage) -> None:
    await guarded(stage, members=(stage.alice, stage.bob))
    stage.bob.join(stage.news)
    await say(stage, stage.alice, stage.group, "hello")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    await stage.alice.press(notice)
    await say(stage, stage.bob, stage.group, "hello too")
    await say(stage, stage.carol, stage.group, "/status")
    await stage.pass_time(61)
    assert stage.app is not None

    rendered = stage.app.metrics.render().decode()
    labels = [pair for line in rendered.splitlines() for pair in LABEL.findall(line)]
    assert labels, "the scenario was counted"
    ids = {
        str(i)
        for who in (stage.alice, stage.bob, stage.carol, stage.bot, stage.group, stage.news)
        for i in (who.id, getattr(who, "peer_id", who.id))
    }
    assert {name for name, _ in labels} & ABOUT_SOMEONE == set()
    assert {value for _, value in labels} & ids == set()
