"""The readiness checks /readyz runs: Telegram connected, database reachable, Redis answering."""

from __future__ import annotations

from collections.abc import Callable

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gatekeeper.observability.health import ReadinessCheck


def telegram_check(connected: Callable[[], bool]) -> ReadinessCheck:
    async def check() -> bool:
        return bool(connected())

    return check


def database_check(engine: AsyncEngine) -> ReadinessCheck:
    async def check() -> bool:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True

    return check


def redis_check(redis: Redis) -> ReadinessCheck:
    """Redis is optional for the bot: a failing check degrades readiness, it does not fail it."""

    async def check() -> bool:
        return bool(await redis.ping())

    return check
