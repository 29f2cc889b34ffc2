"""What `gatekeeper doctor` checks: settings, database, Redis, session, and the bot's rights."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from telethon import TelegramClient, errors

from gatekeeper.settings import Settings

TIMEOUT = 20.0


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but should be looked at
    FAIL = "fail"  # the bot cannot do its job until this is fixed


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    status: Status
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}


def ok(check: str, detail: str) -> Finding:
    return Finding(check, Status.OK, detail)


def fail(check: str, detail: str, fix: str) -> Finding:
    return Finding(check, Status.FAIL, detail, fix)


def settings_findings(settings: Settings) -> list[Finding]:
    missing = settings.missing_credentials()
    if missing:
        fix = "set them in .env or the environment (docs/configuration.md)"
        return [fail("settings", "missing " + ", ".join(missing), fix)]
    return [ok("settings", "credentials present; database " + _scheme(settings.database_url))]


def _scheme(url: str) -> str:
    return url.split("://", 1)[0]


async def database_findings(settings: Settings) -> list[Finding]:
    from alembic.script import ScriptDirectory

    from gatekeeper.storage import create_engine, migrate

    engine = create_engine(settings.database_url)
    try:
        head = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_current_head()
        try:
            current = await asyncio.wait_for(migrate.current(engine), TIMEOUT)
        except Exception as error:
            fix = "check GATEKEEPER_DATABASE_URL and that the server runs"
            return [fail("database", f"unreachable: {type(error).__name__}", fix)]
        if current != head:
            detail = f"at revision {current or 'none'}, the code needs {head}"
            return [fail("database", detail, "run: python3 run.py migrate")]
        return [ok("database", f"reachable, migrated to head ({head})")]
    finally:
        await engine.dispose()


async def redis_findings(settings: Settings) -> list[Finding]:
    if not settings.redis_url:
        return [ok("redis", "not configured (verdicts kept in process memory only)")]
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=5)
    try:
        await asyncio.wait_for(redis.ping(), TIMEOUT)
    except Exception as error:
        fix = "start Redis, fix GATEKEEPER_REDIS_URL, or unset it (the bot runs without it)"
        return [fail("redis", f"unreachable: {type(error).__name__}", fix)]
    finally:
        await redis.aclose()
    return [ok("redis", "reachable")]


def session_findings(settings: Settings) -> list[Finding]:
    path = settings.session_path
    if not path.exists():
        return [fail("session", f"{path} does not exist", "run: python3 run.py login")]
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        detail = f"{path} is readable by others (mode {mode:o}); it holds the bot's login"
        return [Finding("session", Status.WARN, detail, f"run: chmod 600 {path}")]
    return [ok("session", f"{path} present, mode {mode:o}")]


async def telegram_findings(settings: Settings, client: TelegramClient) -> list[Finding]:
    """Who the session is logged in as, then the bot's rights in every protected group."""
    try:
        await asyncio.wait_for(client.connect(), TIMEOUT)
        authorized = await client.is_user_authorized()
        me = await client.get_me() if authorized else None
    except (OSError, ConnectionError, TimeoutError, errors.RPCError) as error:
        fix = "check the network and GATEKEEPER_API_ID / GATEKEEPER_API_HASH"
        return [fail("telegram", f"cannot connect: {type(error).__name__}", fix)]
    if me is None:
        return [fail("telegram", "the session is not logged in", "run: python3 run.py login")]
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if token.partition(":")[0] != str(me.id):
        detail = f"the session is @{me.username}'s, not the token's bot"
        return [fail("telegram", detail, "run: python3 run.py login")]
    found = [ok("telegram", f"logged in as @{me.username} (id {me.id})")]
    from gatekeeper.cli.rights import rights_findings

    return found + await rights_findings(settings, client, int(me.id))


async def diagnose(settings: Settings, client: TelegramClient | None = None) -> list[Finding]:
    """Every check, in order; Telegram is asked only when the session can log in."""
    findings = settings_findings(settings)
    findings += await database_findings(settings)
    findings += await redis_findings(settings)
    if settings.missing_credentials():
        return findings
    findings += session_findings(settings)
    if client is None:
        if not settings.session_path.exists():
            return findings
        from gatekeeper.telegram.client import build_client

        client = build_client(settings)
    try:
        findings += await telegram_findings(settings, client)
    finally:
        await client.disconnect()
    return findings


def summary(findings: list[Finding]) -> dict[str, Any]:
    return {
        "ok": all(f.status is not Status.FAIL for f in findings),
        "findings": [f.as_dict() for f in findings],
    }
