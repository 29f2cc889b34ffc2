"""No text reaches Telegram unless it went through a catalog: a literal (or f-string) handed
straight to a call that sends or answers is a text no translator will ever see."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2] / "gatekeeper"
# Calls that put their text argument in front of a member or an admin, and which argument.
SINKS = {"say": 1, "respond": 1, "answer": 1, "write": 1, "url": 0, "inline": 0}
SKIP = ("sim", "bench", "cli")  # the simulated Telegram and the operator's tools


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value)
    )


def _leaks(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        position = SINKS.get(node.func.attr)
        if position is None or len(node.args) <= position:
            continue
        if _literal(node.args[position]):
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.func.attr}(...)")
    return found


def test_nothing_is_sent_or_answered_straight_from_a_literal() -> None:
    leaks = [
        leak
        for path in sorted(ROOT.rglob("*.py"))
        if path.relative_to(ROOT).parts[0] not in SKIP
        for leak in _leaks(path)
    ]
    assert leaks == [], "mark these texts and translate them (docs/translations.md)"
