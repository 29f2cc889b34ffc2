"""The command line: every command has help with examples; three ways in, one CLI."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from gatekeeper.cli import COMMANDS, main, parser

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_every_command_has_help_with_examples(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: gatekeeper {name}")
    assert "examples:\n  python3 run.py" in out


def test_the_top_level_help_lists_every_command() -> None:
    text = parser().format_help()
    for command in COMMANDS:
        assert command.name in text
    assert "examples:" in text


def test_run_py_python_m_and_the_script_are_the_same_cli() -> None:
    def helps(*command: str) -> str:
        done = subprocess.run(
            [*command, "--help"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout

    via_run_py = helps(sys.executable, "run.py")
    assert via_run_py == helps(sys.executable, "-m", "gatekeeper")
    script = Path(sys.executable).parent / "gatekeeper"
    assert via_run_py == helps(str(script))
    assert "doctor" in via_run_py and "stats" in via_run_py and "login" in via_run_py


def test_run_is_the_default_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("GATEKEEPER_API_ID", "GATEKEEPER_API_HASH", "GATEKEEPER_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main([]) == 2
    assert "no Telegram credentials yet" in capsys.readouterr().err


def load_run_py() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_py", ROOT / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_install_step_shows_one_line_not_pips_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_py = load_run_py()
    noisy = [sys.executable, "-c", "print('Collecting telethon\\n' * 300)"]
    run_py.step("2/2 installing", noisy)
    captured = capsys.readouterr()
    assert captured.err == "gatekeeper: 2/2 installing\n"
    assert captured.out == ""


def test_a_failing_install_step_shows_the_end_of_its_output_and_stops(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_py = load_run_py()
    failing = [
        sys.executable,
        "-c",
        "import sys; print('\\n'.join(map(str, range(100)))); "
        "sys.exit('ERROR: no matching distribution')",
    ]
    with pytest.raises(SystemExit, match="that step failed"):
        run_py.step("2/2 installing", failing)
    err = capsys.readouterr().err
    assert "ERROR: no matching distribution" in err
    assert "\n99\n" in err and "\n50\n" not in err  # the tail, not everything


def test_a_corrupt_session_file_gets_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "gatekeeper.session").write_bytes(b"not a database at all" * 50)
    monkeypatch.setenv("GATEKEEPER_API_ID", "1")
    monkeypatch.setenv("GATEKEEPER_API_HASH", "0" * 32)
    monkeypatch.setenv("GATEKEEPER_BOT_TOKEN", "1:x")
    monkeypatch.setenv("GATEKEEPER_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/g.db")
    monkeypatch.setenv("GATEKEEPER_HEALTH_PORT", "-1")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gatekeeper: ") and "gatekeeper.session" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
