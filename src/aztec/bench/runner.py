"""Runs scenarios with a telemetry client whose only exporter is the NDJSON file ``DIR/repeat-N/<scenario>.ndjson``.

Repeats are interleaved (every scenario once, then every scenario again...), so a machine that gets
slower or faster during the run spreads over every repeat instead of shifting one scenario.
All or nothing: scenarios write into a hidden staging directory inside ``DIR``, and their files move
into ``DIR`` only when every scenario has succeeded, replacing the ``repeat-*`` directories of an
earlier run (or, with ``append``, numbered after them); a failure leaves ``DIR`` as it was.

``append`` is for comparing two commits on a machine whose load changes: alternate one repeat of the
base and one of the head, each appended to its own directory, so both see the same conditions.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Final

from aztec.bench.aggregate import REPEAT_PREFIX, repeat_directories, repeat_directory
from aztec.bench.errors import BenchError, BenchInputError, ScenarioFailedError
from aztec.bench.scenarios.base import RunSettings, Scenario
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.factory import create_telemetry_client

SERVICE_NAME: Final = "aztec-bench"
COLLECT_INTERVAL_MS: Final = 5_000
"""Long scenarios export every 5 s (more delta lines to sum); the final export happens at stop."""

DEFAULT_REPEATS: Final = 5
"""Enough for a 99% interval that separates a 15% change from run-to-run noise of a few percent."""

ScenarioHook = Callable[[Scenario, int], None]
"""Called with the scenario and its repeat (from 1)."""


def bench_telemetry_config(ndjson_path: Path, collect_interval_ms: int = COLLECT_INTERVAL_MS) -> TelemetryConfig:
    """NDJSON only: no OTLP, no Prometheus, no console, no host metrics; strict about attributes."""
    return TelemetryConfig(
        service_name=SERVICE_NAME,
        ndjson_path=ndjson_path,
        host_metrics=False,
        collect_interval_ms=collect_interval_ms,
        strict=True,
    )


def run_scenarios(
    scenarios: Sequence[Scenario],
    out_dir: Path,
    *,
    settings: RunSettings | None = None,
    repeats: int = 1,
    append: bool = False,
    collect_interval_ms: int = COLLECT_INTERVAL_MS,
    on_start: ScenarioHook | None = None,
    on_finish: ScenarioHook | None = None,
) -> list[Path]:
    """Run each scenario ``repeats`` times; returns the NDJSON files written, ``out_dir/repeat-N/<name>.ndjson``."""
    settings = settings or RunSettings()
    if not settings.scale > 0:
        raise BenchInputError(f"--scale must be greater than 0, got {settings.scale}")
    if settings.prover_scale is not None and not settings.prover_scale > 0:
        raise BenchInputError(f"--prover-scale must be greater than 0, got {settings.prover_scale}")
    if repeats < 1:
        raise BenchInputError(f"--repeats must be at least 1, got {repeats}")
    if out_dir.exists() and not out_dir.is_dir():
        raise BenchInputError(f"{out_dir}: exists and is not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    earlier = [path for path in repeat_directories(out_dir) if path.name.startswith(REPEAT_PREFIX)]
    first = max((int(path.name.removeprefix(REPEAT_PREFIX)) for path in earlier), default=0) + 1 if append else 1
    numbers = range(first, first + repeats)
    staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=".bench-run-"))
    try:
        for repeat in numbers:
            for scenario in scenarios:
                if on_start is not None:
                    on_start(scenario, repeat)
                path = repeat_directory(staging, repeat) / f"{scenario.name}.ndjson"
                path.parent.mkdir(exist_ok=True)
                run_scenario(scenario, path, settings=settings, collect_interval_ms=collect_interval_ms)
                if on_finish is not None:
                    on_finish(scenario, repeat)
        if not append:
            for path in earlier:
                shutil.rmtree(path)
        for repeat in numbers:
            os.replace(repeat_directory(staging, repeat), repeat_directory(out_dir, repeat))
        return [repeat_directory(out_dir, r) / f"{s.name}.ndjson" for r in numbers for s in scenarios]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_scenario(
    scenario: Scenario, ndjson_path: Path, *, settings: RunSettings, collect_interval_ms: int = COLLECT_INTERVAL_MS
) -> None:
    """One scenario under its own client; the client is stopped (final export) even when it fails."""
    client = create_telemetry_client(bench_telemetry_config(ndjson_path, collect_interval_ms))
    try:
        outcome = scenario.run(client, settings)
        if inspect.isawaitable(outcome):
            asyncio.run(_wait(outcome))
    except BenchError:
        raise
    except Exception as error:
        raise ScenarioFailedError(scenario.name, error) from error
    finally:
        client.stop()


async def _wait(outcome: Awaitable[None]) -> None:
    await outcome
