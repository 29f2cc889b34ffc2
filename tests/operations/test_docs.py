"""The operator's docs stay true: every setting documented with its default, every metric too."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from gatekeeper.observability.metrics import Metrics
from gatekeeper.settings import PREFIX, Settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ROW = re.compile(r"^\| `(?P<name>[A-Z0-9_]+)` \| (?P<default>[^|]+) \|", re.MULTILINE)


def documented_settings() -> dict[str, str]:
    text = (DOCS / "configuration.md").read_text()
    return {m["name"]: m["default"].strip() for m in ROW.finditer(text)}


def as_documented(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def test_every_setting_is_documented_with_its_default() -> None:
    documented = documented_settings()
    fields = {PREFIX + name.upper(): field for name, field in Settings.model_fields.items()}
    assert set(documented) == set(fields), "docs/configuration.md and Settings differ"
    for variable, field in fields.items():
        shown = documented[variable]
        if shown == "(required to run)":
            assert field.default is None, variable
            continue
        assert shown == as_documented(field.default), variable


def test_the_example_env_file_is_valid(tmp_path: Path) -> None:
    text = (DOCS / "configuration.md").read_text()
    example = text.split("```dotenv\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".env").write_text(example)
    settings = Settings(_env_file=tmp_path / ".env")
    assert settings.api_id == 1234567
    assert settings.redis_url is not None and settings.log_json is True


def metric_names() -> set[str]:
    """Every series name the metrics can expose (counters as _total, histograms as _bucket...)."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    names: set[str] = set()
    for family in text_string_to_metric_families(Metrics().render().decode()):
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
    return names


def test_docs_metrics_lists_every_metric() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", (DOCS / "metrics.md").read_text(), re.M))
    exposed = {
        family.name.removeprefix("gatekeeper_")
        for family in text_string_to_metric_families(Metrics().render().decode())
        if not family.name.endswith("_created")  # prometheus_client's own timestamps
    }
    # prometheus_client names counter families without their _total suffix
    documented = {name.removesuffix("_total") for name in documented}
    assert documented == exposed


def test_the_grafana_dashboard_graphs_only_metrics_that_exist() -> None:
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/gatekeeper.json").read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    assert len(exprs) >= 10
    used = {name for expr in exprs for name in re.findall(r"gatekeeper_[a-z_]+", expr)}
    assert used and used <= metric_names(), used - metric_names()


def test_the_alert_rules_use_only_metrics_that_exist() -> None:
    rules = (ROOT / "deploy/prometheus/alerts.yml").read_text()
    used = set(re.findall(r"gatekeeper_[a-z_]+", rules))
    assert used and used <= metric_names(), used - metric_names()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_alert_rules() -> None:
    done = subprocess.run(
        ["promtool", "check", "rules", str(ROOT / "deploy/prometheus/alerts.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
