"""The functional core stays pure: nothing in gatekeeper/domain imports an adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import gatekeeper.domain
import gatekeeper.services

FORBIDDEN = ("telethon", "sqlalchemy", "redis", "structlog", "prometheus_client", "asyncio")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_domain_imports_no_adapter_library() -> None:
    domain = Path(gatekeeper.domain.__file__).parent
    files = sorted(domain.glob("*.py"))
    assert len(files) >= 5
    offenders = {
        f"{path.name}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
        or (module.startswith("gatekeeper.") and not module.startswith("gatekeeper.domain"))
    }
    assert not offenders


def test_the_boundary_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import telethon\nfrom sqlalchemy import select\n")
    assert imported_modules(bad) == {"telethon", "sqlalchemy"}


def test_the_services_know_telegram_only_through_their_port() -> None:
    services = Path(gatekeeper.services.__file__).parent
    files = sorted(services.glob("*.py"))
    assert len(files) >= 5
    offenders = {
        f"{path.name}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] == "telethon" or module.startswith("gatekeeper.telegram")
    }
    assert not offenders
