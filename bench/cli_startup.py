"""Start-up time of ``aztec`` commands that start no node, measured side by side in one run.

Run: ``uv run python bench/cli_startup.py [--repeat 9]``. Each row runs the installed console script as a
fresh process ``--repeat`` times, rounds interleaved; it prints the median wall time with the min-max spread.
The first row imports what ``aztec --help`` imported before sub-commands were registered lazily (the
node, the SDK, matplotlib, the Grafana SDK): the "before" figure. Target: well under a second.
tests/cli/test_startup.py asserts which modules load, so it does not depend on a shared machine's speed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
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


def _once(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    repeat = parser.parse_args().repeat
    samples: dict[str, list[float]] = {label: [] for label, _ in ROWS}
    for _ in range(repeat):
        for label, command in ROWS:
            samples[label].append(_once(command))
    print(f"| command ({repeat} runs each, interleaved) | median (ms) | min-max (ms) |")
    print("|---|---:|---:|")
    for label, times in samples.items():
        ms = [t * 1000 for t in times]
        print(f"| {label} | {statistics.median(ms):,.0f} | {min(ms):,.0f}-{max(ms):,.0f} |")


if __name__ == "__main__":
    main()
