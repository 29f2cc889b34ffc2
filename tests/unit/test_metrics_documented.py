"""Every metric docs/metrics.md promises is exported, and every documented decision is made
somewhere in the code."""

from __future__ import annotations

import re
from pathlib import Path

from gatekeeper.observability.metrics import Metrics

ROOT = Path(__file__).resolve().parents[2]
ROWS = re.compile(r"^\| `(?P<name>[a-z_]+)` \| (?P<type>\w+) \|(?P<labels>[^|]*)\|", re.M)


def documented() -> dict[str, str]:
    text = (ROOT / "docs" / "metrics.md").read_text()
    return {m["name"]: m["labels"] for m in ROWS.finditer(text)}


def test_every_documented_metric_is_exported() -> None:
    names = documented()
    assert len(names) >= 10
    rendered = Metrics().render().decode()
    exported = set(re.findall(r"^# TYPE gatekeeper_(\w+) ", rendered, re.M))
    missing = {n for n in names if n not in exported and n.removesuffix("_total") not in exported}
    assert not missing


def test_every_documented_decision_is_made_somewhere() -> None:
    labels = documented()["decisions_total"]
    actions = re.search(r"action \(([^)]*)\)", labels)
    assert actions is not None
    source = "\n".join(p.read_text() for p in (ROOT / "gatekeeper").rglob("*.py"))
    never = {
        action
        for action in (a.strip() for a in actions.group(1).split(","))
        if f'"{action}"' not in source
    }
    assert not never
