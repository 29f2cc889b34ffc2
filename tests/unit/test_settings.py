"""An operator's configuration: secrets stay secret, mistakes get one clear line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.cli import main
from gatekeeper.settings import SettingsError, load_settings

TOKEN = "123456:ABC-DEF1234ghIkl"
HASH = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("GATEKEEPER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_need_nothing_but_credentials_to_run() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.redis_url is None
    assert settings.missing_credentials() == [
        "GATEKEEPER_API_ID",
        "GATEKEEPER_API_HASH",
        "GATEKEEPER_BOT_TOKEN",
    ]


def test_secrets_are_read_from_the_environment_but_never_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GATEKEEPER_API_ID", "12345")
    monkeypatch.setenv("GATEKEEPER_API_HASH", HASH)
    monkeypatch.setenv("GATEKEEPER_BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.api_id == 12345
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings) and HASH not in str(settings)
    assert settings.missing_credentials() == []


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("GATEKEEPER_REDIS_URL=redis://localhost:6379/3\n")
    assert load_settings().redis_url == "redis://localhost:6379/3"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GATEKEEPER_API_ID", "abc"),
        ("GATEKEEPER_API_HASH", "short"),
        ("GATEKEEPER_BOT_TOKEN", "not-a-token"),
        ("GATEKEEPER_DATABASE_URL", "mysql://x"),
        ("GATEKEEPER_HEALTH_PORT", "70000"),
    ],
)
def test_a_malformed_value_names_the_variable_and_what_to_put(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(variable + ":")
    assert len(message.splitlines()) == 1
    assert value not in message or variable != "GATEKEEPER_BOT_TOKEN"


def test_running_without_credentials_explains_what_to_set_and_points_to_the_demo(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    for variable in ("GATEKEEPER_API_ID", "GATEKEEPER_API_HASH", "GATEKEEPER_BOT_TOKEN"):
        assert variable in err
    assert "my.telegram.org" in err and "@BotFather" in err and "run.py demo" in err


def test_a_bad_value_stops_the_program_with_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEKEEPER_API_ID", "twelve")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "GATEKEEPER_API_ID" in err and "Traceback" not in err


def test_every_setting_has_a_hint_for_when_it_is_wrong() -> None:
    from gatekeeper.settings import HINTS, Settings

    assert set(Settings.model_fields) <= set(HINTS)
