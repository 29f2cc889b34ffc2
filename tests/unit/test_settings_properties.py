"""Any value in any variable, and any .env file: the settings load, or one line per problem
names the variable and what to put there. Never a traceback."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gatekeeper.settings import HINTS, PREFIX, Settings, SettingsError, load_settings

env_values = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]))


@given(field=st.sampled_from(sorted(HINTS)), value=env_values)
@example(field="api_id", value="12345678901234567890123")
@example(field="health_port", value="65536")
@example(field="concurrency", value="1e9")
@example(field="member_ttl", value="nan")
@example(field="database_url", value="postgresql://user:pw@host/db")
@example(field="log_level", value="debug")
@example(field="bot_token", value=":")
def test_any_value_loads_or_is_named_with_what_to_put(field: str, value: str) -> None:
    variable = PREFIX + field.upper()
    with mock.patch.dict(os.environ, {variable: value}, clear=True):
        try:
            settings = load_settings(_env_file=None)
        except SettingsError as error:
            lines = str(error).splitlines()
            assert lines and all(line.startswith(PREFIX) for line in lines)
            assert any(line.startswith(variable + ":") for line in lines)
            assert "Traceback" not in str(error)
            return
    assert isinstance(settings, Settings)


@pytest.mark.parametrize(
    "content",
    [
        b"GATEKEEPER_API_ID=\xff\xfe1234\n",  # not UTF-8
        b"\x00\x01\x02garbage",
        b"GATEKEEPER_API_ID=12\nGATEKEEPER_HEALTH_PORT=eighty\n",
        b"=\n==\nexport\n'unterminated\n",
    ],
)
def test_a_malformed_env_file_gives_a_clear_line(tmp_path: Path, content: bytes) -> None:
    env = tmp_path / ".env"
    env.write_bytes(content)
    with mock.patch.dict(os.environ, {}, clear=True):
        try:
            load_settings(_env_file=env)
        except SettingsError as error:
            assert str(error).strip()
            assert all(line.startswith((PREFIX, ".env")) for line in str(error).splitlines())
