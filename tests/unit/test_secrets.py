"""Secrets stay secret: passwords in URLs are redacted wherever they appear in the logs, and
the session file (the bot's login) is readable by its owner only."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.observability.logging import configure_logging
from gatekeeper.settings import Settings
from gatekeeper.telegram.client import SessionFileError, build_client

# Passwords as people choose them, "@", "/", ":" and "%" included; they start with "Pw" so
# that no other part of the URL can contain them by chance.
passwords = st.text(
    st.sampled_from("abcXYZ0189@/:%#?!$&'()*+,;=~-._"), min_size=1, max_size=24
).map(lambda tail: "Pw" + tail)
URLS = (
    "postgresql+asyncpg://gatekeeper:{pw}@db.internal:5432/gatekeeper",
    "redis://:{pw}@cache.internal:6379/0",
    "rediss://default:{pw}@cache.internal/1",
)


@contextmanager
def captured_logs(as_json: bool) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("INFO", json=as_json, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()


def _log_everywhere(url: str) -> None:
    """The URL as a field, inside a message, in a stdlib record and in an error's traceback."""
    log = structlog.get_logger("gatekeeper.test")
    log.info("connecting", url=url, detail={"targets": [url]})
    log.info(f"connecting to {url} now")
    logging.getLogger("sqlalchemy.pool").warning("cannot reach %s", url)
    try:
        raise ConnectionError(f"could not connect to {url}")
    except ConnectionError:
        log.exception("database_unavailable")


@pytest.mark.parametrize("as_json", [True, False])
@given(password=passwords, template=st.sampled_from(URLS))
def test_a_url_password_never_reaches_the_logs(as_json: bool, password: str, template: str) -> None:
    with captured_logs(as_json) as captured:
        _log_everywhere(template.format(pw=password))

    out = captured.getvalue()
    assert "connecting" in out and "database_unavailable" in out
    assert password not in out
    if as_json:  # the lines are still well-formed
        assert all(json.loads(line) for line in out.splitlines() if line.startswith("{"))


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        api_id=1,
        api_hash="0" * 32,
        bot_token="1:x",
        sessions_dir=tmp_path / "sessions",
    )


def test_the_session_file_is_for_its_owner_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path)

    client = build_client(settings)
    client.session.close()

    mode = stat.S_IMODE(settings.session_path.stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(settings.sessions_dir.stat().st_mode) & 0o077 == 0


def test_a_session_file_left_readable_is_made_private(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.sessions_dir.mkdir()
    settings.session_path.touch(mode=0o644)

    build_client(settings).session.close()

    assert stat.S_IMODE(settings.session_path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    [b"not a database at all" * 100, b"\x00" * 4096, b"SQLite format 3\x00" + b"\xff" * 200],
)
def test_a_corrupt_session_file_is_named_with_what_to_do(tmp_path: Path, content: bytes) -> None:
    settings = _settings(tmp_path)
    settings.sessions_dir.mkdir()
    settings.session_path.write_bytes(content)

    with pytest.raises(SessionFileError, match="Move it away") as raised:
        build_client(settings)

    assert str(settings.session_path) in str(raised.value)
    assert settings.session_path.read_bytes() == content, "the file is left as it was"


def test_a_foreign_sqlite_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.sessions_dir.mkdir()
    with sqlite3.connect(settings.session_path) as conn:  # another program's database
        conn.execute("create table version (name text)")
        conn.execute("insert into version values ('not a number')")
    conn.close()

    with pytest.raises(SessionFileError, match="Move it away"):
        build_client(settings)
