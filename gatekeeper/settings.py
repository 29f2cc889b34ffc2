"""Typed settings, read from the environment and an optional `.env` file (prefix GATEKEEPER_).

Only deployment facts live here; everything about groups and channels is configured with
commands in Telegram and stored in the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "GATEKEEPER_"

HINTS: dict[str, str] = {
    "api_id": "the numeric api_id of your app, from https://my.telegram.org (API tools)",
    "api_hash": "the 32-character api_hash shown next to your api_id on https://my.telegram.org",
    "bot_token": "the token @BotFather gave your bot, like 123456:ABC-DEF...",
    "database_url": (
        "an SQLAlchemy async URL: sqlite+aiosqlite:///gatekeeper.db "
        "or postgresql+asyncpg://user:pass@host/db"
    ),
    "redis_url": "a Redis URL like redis://localhost:6379/0, or leave it unset",
    "redis_timeout": "seconds to wait for a Redis answer before going on without it, e.g. 0.5",
    "redis_connect_timeout": "seconds to wait for a connection to Redis, e.g. 1",
    "log_level": "one of DEBUG, INFO, WARNING, ERROR",
    "health_port": "a TCP port for /healthz, /readyz and /metrics (0: any free port, -1: off)",
    "session": "a session name; the file is sessions/<name>.session",
    "sessions_dir": "the folder for session files, e.g. sessions",
    "log_json": "true for JSON lines, false for console lines; unset: JSON unless on a terminal",
    "health_host": "the address to serve health and metrics on, e.g. 127.0.0.1 or 0.0.0.0",
    "membership_cache_size": "how many verdicts to keep in memory, at least 100",
    "member_ttl": "seconds to trust a 'subscribed' verdict, e.g. 21600",
    "non_member_ttl": "seconds to trust a 'not subscribed' verdict, e.g. 300",
    "ttl_jitter": "the share a verdict's TTL may be shortened by at random, 0 to 0.5, e.g. 0.1",
    "concurrency": "how many updates to handle at once, 1 to 10000",
    "telegram_rate": "requests per second to Telegram over all chats, e.g. 30",
    "telegram_burst": "requests that may go at once before the rate applies, e.g. 100",
    "warmup_rate": "membership checks per second a warm-up starts at, e.g. 20",
    "warmup_interval": "seconds between warm-ups of a group, e.g. 86400 (0: only on demand)",
    "shutdown_grace": "seconds a stop waits for work in flight, e.g. 10",
    "sentry_dsn": "a Sentry DSN like https://key@o0.ingest.sentry.io/0, or leave it unset",
    "sentry_environment": "a Sentry environment name, e.g. production",
    "note_retention": "seconds a member's warnings and spent grace outlive their last change, "
    "e.g. 2592000 (0: forever)",
    "hash_retention": "seconds a user's access hash outlives the last thing that needed it, "
    "e.g. 2592000 (0: forever)",
    "reconcile_interval": "seconds between reconciliations with Telegram, e.g. 3600 (0: at start)",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    api_id: int | None = None
    api_hash: SecretStr | None = None
    bot_token: SecretStr | None = None
    session: str = "gatekeeper"
    sessions_dir: Path = Path("sessions")
    database_url: str = "sqlite+aiosqlite:///gatekeeper.db"
    redis_url: str | None = None
    redis_timeout: float = Field(default=0.5, gt=0, le=60)
    redis_connect_timeout: float = Field(default=1.0, gt=0, le=60)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool | None = None  # None: JSON unless the log goes to a terminal
    health_host: str = "127.0.0.1"
    health_port: int = Field(default=8080, ge=-1, le=65535)
    membership_cache_size: int = Field(default=200_000, ge=100)
    member_ttl: float = Field(default=6 * 3600, gt=0)
    non_member_ttl: float = Field(default=300, gt=0)
    ttl_jitter: float = Field(default=0.1, ge=0, le=0.5)
    concurrency: int = Field(default=64, ge=1, le=10_000)
    telegram_rate: float = Field(default=30.0, gt=0)
    telegram_burst: float = Field(default=100.0, ge=1)
    warmup_rate: float = Field(default=20.0, gt=0)
    warmup_interval: float = Field(default=86_400.0, ge=0)
    shutdown_grace: float = Field(default=10.0, ge=0, le=600)
    sentry_dsn: SecretStr | None = None
    sentry_environment: str = "production"
    reconcile_interval: float = Field(default=3600.0, ge=0)
    note_retention: float = Field(default=30 * 86_400.0, ge=0)
    hash_retention: float = Field(default=30 * 86_400.0, ge=0)

    @field_validator("api_hash")
    @classmethod
    def _api_hash_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) != 32:
            raise ValueError("must be 32 characters long")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or not secret:
                raise ValueError("must look like 123456:ABC-DEF...")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @property
    def bot_id(self) -> int | None:
        """The bot's user id, the number a bot token starts with (its rows in the database)."""
        if self.bot_token is None:
            return None
        return int(self.bot_token.get_secret_value().partition(":")[0])

    @property
    def session_path(self) -> Path:
        return self.sessions_dir / f"{self.session}.session"

    def missing_credentials(self) -> list[str]:
        names = ("api_id", "api_hash", "bot_token")
        return [PREFIX + n.upper() for n in names if getattr(self, n) is None]


class SettingsError(Exception):
    """Settings that cannot be used; str() is one clear line per problem."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError as error:
        raise SettingsError(
            f".env: not UTF-8 text (byte {error.start}): save it as UTF-8"
        ) from None
    except OSError as error:
        raise SettingsError(f".env: cannot be read ({error.strerror})") from None
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "?"
            hint = HINTS.get(field, "")
            reason = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{PREFIX}{field.upper()}: {reason}" + (f" (put {hint})" if hint else ""))
        raise SettingsError("\n".join(lines)) from None
