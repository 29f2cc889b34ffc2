"""A group with topics, for the stories that play in one."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded


async def forum(stage: Stage) -> tuple[int, int]:
    """Coffee chat has topics "Books" and "Games"; the bot guards it with @news."""
    stage.group.enable_topics(by=stage.carol)
    books = stage.group.create_topic("Books", by=stage.carol)
    games = stage.group.create_topic("Games", by=stage.carol)
    stage.bob.join(stage.group)
    await guarded(stage, [stage.alice, stage.bob])
    return books, games
