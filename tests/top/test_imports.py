"""``aztec top`` reads a scrape endpoint with the telemetry exporter's name mapping: it imports no deploy code."""

from __future__ import annotations

import ast
from pathlib import Path

TOP = Path(__file__).resolve().parents[2] / "src" / "aztec" / "top"


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, TYPE_CHECKING and function-level imports included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_top_imports_no_deploy_module() -> None:
    files = sorted(TOP.rglob("*.py"))
    assert files
    wrong = {
        f"{path.name}: {module}"
        for path in files
        for module in imported_modules(path)
        if module == "aztec.deploy" or module.startswith("aztec.deploy.")
    }
    assert wrong == set()


def test_the_scan_sees_the_name_mapping_import() -> None:
    assert "aztec.telemetry.exporters.prometheus_names" in imported_modules(TOP / "figures.py")
