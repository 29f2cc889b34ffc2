"""A whole run's log, on PostgreSQL and Redis with passwords, never shows a secret."""

from __future__ import annotations

import base64
import io
import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from gatekeeper.observability.logging import configure_logging
from gatekeeper.settings import Settings
from gatekeeper.sim import SimUser
from gatekeeper.sim.stage import Stage
from tests.conftest import fresh_postgres_database
from tests.scenarios.helpers import guarded, notices_for, say

API_HASH = "5ec7e75ec7e75ec7e75ec7e75ec7e75e"
PG_PASSWORD = "pg-Pa55word-never-logged"
REDIS_PASSWORD = "redis-Pa55word-never-logged"


class SecretStage(Stage):
    def settings(self, bot: SimUser | None = None) -> Settings:
        return super().settings(bot).model_copy(update={"api_hash": API_HASH})


def with_password(url: str, user: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest.split('@', 1)[-1]}"


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_whole_run_logs_no_secret(tmp_path: Path, redis_url: str) -> None:
    user = f"gk_{uuid.uuid4().hex[:8]}"
    admin = Redis.from_url(redis_url)
    await admin.acl_setuser(
        user,
        enabled=True,
        passwords=[f"+{REDIS_PASSWORD}"],
        keys=["*"],
        channels=["*"],
        commands=["+@all"],
    )
    await admin.flushdb()  # no verdicts left from another run
    log = io.StringIO()
    configure_logging("DEBUG", json=True, stream=log, library_level="DEBUG")
    try:
        async with fresh_postgres_database() as database:
            stage = SecretStage(
                with_password(database, "gatekeeper", PG_PASSWORD),
                redis_url=with_password(redis_url, user, REDIS_PASSWORD),
                session=tmp_path / "bot.session",
                health_port=0,
                seed=11,
            )
            try:
                await guarded(stage, members=(stage.alice, stage.bob))
                await say(stage, stage.alice, stage.group, "muted for this")
                (notice,) = notices_for(stage.group, stage.bot, stage.alice)
                stage.alice.join(stage.news)
                stage.alice.press_nowait(notice)  # "I have joined"
                await stage.settle()
                await say(stage, stage.carol, stage.group, "/status")
                await stage.restart()
                assert stage.app is not None
                registry = stage.app.metrics.registry
                assert registry.get_sample_value("gatekeeper_redis_errors_total") == 0.0
                auth_key = bytes(stage.app.client.session.auth_key.key)
            finally:
                await stage.stop()
    finally:
        await admin.acl_deluser(user)
        await admin.flushdb()
        await admin.aclose()
        configure_logging("INFO")

    output = log.getvalue()
    assert '"event": "muted"' in output and '"event": "release"' in output
    assert "***" in output, "the URLs were logged, with their passwords masked"
    token = stage.bot.token or ""
    secrets = {
        "bot token": token,
        "the token's secret part": token.partition(":")[2],
        "api hash": API_HASH,
        "database password": PG_PASSWORD,
        "redis password": REDIS_PASSWORD,
        "auth key (hex)": auth_key.hex(),
        "auth key (base64)": base64.b64encode(auth_key).decode(),
        "auth key (urlsafe)": base64.urlsafe_b64encode(auth_key).decode()[:40],
    }
    for name, secret in secrets.items():
        assert secret and secret not in output, f"the {name} appears in the log"
