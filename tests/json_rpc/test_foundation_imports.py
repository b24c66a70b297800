"""``aztec.foundation`` is the bottom layer: the JSON-RPC server and client expose hooks, and telemetry
(``aztec.telemetry.wrappers.json_rpc``) attaches to them, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

FOUNDATION = Path(__file__).resolve().parents[2] / "src" / "aztec" / "foundation"


def aztec_imports(path: Path) -> set[str]:
    """The ``aztec.*`` modules a file imports, TYPE_CHECKING and function-level imports included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {module for module in found if module == "aztec" or module.startswith("aztec.")}


def test_foundation_imports_only_foundation() -> None:
    files = sorted(FOUNDATION.rglob("*.py"))
    assert len(files) > 10
    upward = {
        f"{path.relative_to(FOUNDATION)}: {module}"
        for path in files
        for module in aztec_imports(path)
        if not module.startswith("aztec.foundation")
    }
    assert upward == set()


def test_the_scan_sees_the_server_imports() -> None:
    assert "aztec.foundation.json_rpc.hooks" in aztec_imports(FOUNDATION / "json_rpc" / "server.py")
