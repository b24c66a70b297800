"""Run the installed ``aztec`` command as a subprocess with Python's import-time log, and read which modules loaded."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HEAVY_MODULES = (
    "opentelemetry.sdk",
    "opentelemetry.exporter",
    "grpc",
    "google.protobuf",
    "matplotlib",
    "grafana_foundation_sdk",
    "lmdb",
    "cryptography",
    "aiohttp",
    "psutil",
    "prometheus_client",
    "numpy",
    "aztec.node",
    "aztec.sandbox",
    "aztec.bench.report",
)
"""Modules (and their sub-modules) that a command starting no node has no business importing."""
LIGHT_EXCEPTIONS = frozenset({"aztec.sandbox", "aztec.sandbox.settings"})
"""Light modules inside those packages: ``aztec start --help`` needs the setting definitions (and so their
package's ``__init__``, a docstring); anything heavy they imported would still be listed."""

_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)$")


@dataclass(frozen=True)
class ImportRun:
    returncode: int
    stdout: str
    stderr: str
    """stderr without the import-time lines."""
    modules: frozenset[str]
    import_us: int
    """Sum of every module's own import time (µs), as Python measured it."""
    wall_s: float

    def heavy(self) -> list[str]:
        """The loaded modules that are, or are inside, one of :data:`HEAVY_MODULES`."""
        return sorted(
            m for m in self.modules - LIGHT_EXCEPTIONS if any(m == h or m.startswith(h + ".") for h in HEAVY_MODULES)
        )


def aztec_command() -> str:
    """The ``aztec`` console script installed beside this interpreter (what a user runs)."""
    beside = Path(sys.executable).parent / "aztec"
    found = str(beside) if beside.exists() else shutil.which("aztec")
    assert found, "the aztec console script is not installed (run uv sync)"
    return found


def run_with_importtime(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> ImportRun:
    environment = {**os.environ, **(env or {}), "PYTHONPROFILEIMPORTTIME": "1"}
    started = time.perf_counter()
    result = subprocess.run(
        [aztec_command(), *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120, check=False
    )
    wall = time.perf_counter() - started
    modules: set[str] = set()
    own_us = 0
    other: list[str] = []
    for line in result.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            own_us += int(match.group(1))
            modules.add(match.group(4))
        elif not line.startswith("import time:"):
            other.append(line)
    return ImportRun(result.returncode, result.stdout, "\n".join(other), frozenset(modules), own_us, wall)
