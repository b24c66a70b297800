"""The direction of imports, and docs/architecture.md matching it.

`lint-imports` checks the contracts in pyproject.toml (the layers, top to bottom; packages on one line
independent; `aztec top` free of deploy code), TYPE_CHECKING and function-level imports included. The page
lists the same layers in the same order and every package under src/aztec.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.name for p in (ROOT / "src" / "aztec").iterdir() if (p / "__init__.py").is_file())


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts: list[dict[str, object]] = config["contracts"]
    return contracts


def _layers() -> list[list[str]]:
    """The layers contract's layers, each as its packages' short names."""
    [layers] = [c for c in _contracts() if c["type"] == "layers"]
    lines = layers["layers"]
    assert isinstance(lines, list)
    return [[name.strip().removeprefix("aztec.") for name in line.split("|")] for line in lines]


def _section(marker: str) -> str:
    text = (ROOT / "docs" / "architecture.md").read_text()
    match = re.search(rf"<!-- {marker}:.*?-->\n(.*?)<!-- /{marker} -->", text, re.S)
    assert match, f"docs/architecture.md has no <!-- {marker} --> section"
    return match.group(1)


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    command = [str(lint_imports), "--no-cache", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_imports_follow_the_contracts() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The check can fail: with foundation put above telemetry, telemetry's imports of it are reported."""
    inverted = tmp_path / "inverted.ini"
    inverted.write_text(
        "[importlinter]\nroot_package = aztec\n\n[importlinter:contract:inverted]\nname = inverted\n"
        "type = layers\nlayers =\n    aztec.foundation\n    aztec.telemetry\n"
    )
    result = _lint_imports(str(inverted))
    assert result.returncode != 0
    assert "aztec.telemetry is not allowed to import aztec.foundation" in result.stdout, result.stdout


def test_every_package_is_on_exactly_one_layer() -> None:
    on_layers = [name for layer in _layers() for name in layer]
    assert sorted(on_layers) == PACKAGES, "a package missing from, or twice in, pyproject's layers contract"


def test_the_page_lists_the_contracts_layers_in_order() -> None:
    documented = [
        [name.strip(" `") for name in line.split(". ", 1)[1].split("|")]
        for line in _section("layers").strip().splitlines()
    ]
    assert documented == _layers()


def test_the_page_describes_every_package() -> None:
    rows = [line for line in _section("packages").splitlines() if line.startswith("| `")]
    described = sorted(row.split("`")[1] for row in rows)
    assert described == PACKAGES
