"""The deployment files name only what exists. No Docker engine runs here: what can be checked
without one is checked (the files parse, name real services, files and CLI commands)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from gatekeeper.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
CLI = {command.name for command in COMMANDS}
OPERATOR_WRITTEN = {".env"}  # made by the operator, never committed


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def test_the_compose_file_has_the_bot_and_its_companions() -> None:
    services = compose()["services"]
    assert set(services) == {"gatekeeper", "postgres", "redis", "prometheus", "grafana"}
    for name, service in services.items():
        for needed in service.get("depends_on", []):
            assert needed in services, f"{name} depends on unknown {needed}"


def test_the_compose_file_names_only_files_that_exist() -> None:
    spec = compose()
    for name, service in spec["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in spec["volumes"], f"{name} uses undeclared volume {source}"
        env_file = service.get("env_file")
        if env_file:
            assert env_file in OPERATOR_WRITTEN or (ROOT / env_file).exists()
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").exists()


def test_the_bots_compose_command_is_one_the_cli_has() -> None:
    assert compose()["services"]["gatekeeper"]["command"][0] in CLI


def dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(" ", 1)[0], line.split(" ", 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_image_is_slim_runs_as_a_user_keeps_data_on_a_volume_and_checks_healthz() -> None:
    instructions = dockerfile()
    kinds = dict(instructions)
    assert re.fullmatch(r"python:3\.\d+-slim", kinds["FROM"])
    assert kinds["USER"] not in ("root", "0")
    assert "/data" in json.loads(kinds["VOLUME"])
    assert "/healthz" in kinds["HEALTHCHECK"]
    assert json.loads(kinds["ENTRYPOINT"]) == ["python", "-m", "gatekeeper"]
    assert json.loads(kinds["CMD"])[0] in CLI
    for kind, argument in instructions:
        if kind == "COPY":
            *sources, _ = argument.split()
            for source in sources:
                assert (ROOT / source).exists(), source


def test_the_systemd_unit_runs_a_cli_command_and_restarts_on_failure() -> None:
    unit = (ROOT / "deploy/systemd/gatekeeper.service").read_text()
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.M)
    assert exec_start is not None
    assert shlex.split(exec_start[1])[-1] in CLI
    assert "Restart=on-failure" in unit and "KillSignal=SIGTERM" in unit


def test_the_prometheus_config_loads_its_rules_and_scrapes_the_bot() -> None:
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    for rules in config["rule_files"]:
        assert (ROOT / "deploy/prometheus" / rules).exists()
    (job,) = config["scrape_configs"]
    host = job["static_configs"][0]["targets"][0].split(":")[0]
    assert host in compose()["services"]


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_prometheus_config() -> None:
    done = subprocess.run(
        ["promtool", "check", "config", str(ROOT / "deploy/prometheus/prometheus.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_grafana_is_provisioned_with_the_dashboard() -> None:
    grafana = compose()["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"])
    provider = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/dashboards/gatekeeper.yml").read_text()
    )
    path = provider["providers"][0]["options"]["path"]
    assert mounts["./deploy/grafana/dashboards"] == path
    assert (ROOT / "deploy/grafana/dashboards/gatekeeper.json").exists()
