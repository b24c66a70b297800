"""Start-up time of ``aztec`` commands that start no node, measured side by side in one run.

Run: ``uv run python bench/cli_startup.py [--repeat 9]``. Each row runs the installed console script as a
fresh process ``--repeat`` times, rounds interleaved; it prints the median wall time with the min-max spread.
The first row imports what ``aztec --help`` imported before sub-commands were registered lazily (the
node, the SDK, matplotlib, the Grafana SDK): the "before" figure. Target: well under a second.
tests/cli/test_startup.py asserts which modules load, so it does not depend on a shared machine's speed.

Two columns: with a bytecode cache (as an installed package has: pip and ``uv sync`` in the image compile
it, and Python writes it on first import; here kept in a temporary ``PYTHONPYCACHEPREFIX`` after one warm-up
run), and without one (``PYTHONDONTWRITEBYTECODE=1``, every module compiled from source at each start).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

EAGER_IMPORTS = (
    "import typer, rich.console; import aztec.sandbox.runner, aztec.bench.report, aztec.bench.runner, "
    "aztec.bench.scenarios, aztec.deploy.dashboards.generate, aztec.telemetry.check, aztec.top.view"
)

ROWS: tuple[tuple[str, list[str]], ...] = (
    ("before: the modules eager `aztec --help` imported", [sys.executable, "-c", EAGER_IMPORTS]),
    ("python -c pass (interpreter start-up)", [sys.executable, "-c", "pass"]),
    ("aztec --help", [str(BIN / "aztec"), "--help"]),
    ("aztec --version", [str(BIN / "aztec"), "--version"]),
    ("aztec start --help", [str(BIN / "aztec"), "start", "--help"]),
    ("aztec telemetry metrics", [str(BIN / "aztec"), "telemetry", "metrics"]),
    ("aztec bench list", [str(BIN / "aztec"), "bench", "list"]),
)


def _once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120, env=env)
    return time.perf_counter() - started


def _cell(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"{statistics.median(ms):,.0f} | {min(ms):,.0f}-{max(ms):,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    repeat = parser.parse_args().repeat
    base = {k: v for k, v in os.environ.items() if k not in {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}}
    with tempfile.TemporaryDirectory() as cache:
        modes = {"cached": {**base, "PYTHONPYCACHEPREFIX": cache}, "uncached": {**base, "PYTHONDONTWRITEBYTECODE": "1"}}
        for _, command in ROWS:
            _once(command, modes["cached"])  # warm-up: writes the bytecode cache
        samples: dict[tuple[str, str], list[float]] = {(label, mode): [] for label, _ in ROWS for mode in modes}
        for _ in range(repeat):
            for label, command in ROWS:
                for mode, env in modes.items():
                    samples[label, mode].append(_once(command, env))
    print(f"{repeat} runs each, interleaved; ms")
    print("| command | bytecode cached: median | min-max | no bytecode cache: median | min-max |")
    print("|---|---:|---:|---:|---:|")
    for label, _ in ROWS:
        print(f"| {label} | {_cell(samples[label, 'cached'])} | {_cell(samples[label, 'uncached'])} |")


if __name__ == "__main__":
    main()
