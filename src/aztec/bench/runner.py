"""Runs scenarios with a telemetry client whose only exporter is the NDJSON file ``DIR/<scenario>.ndjson``.

All or nothing: scenarios write into a hidden staging directory inside ``DIR``, and their files move
into ``DIR`` only when every scenario has succeeded; a failure leaves ``DIR`` as it was.
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

from aztec.bench.errors import BenchError, BenchInputError, ScenarioFailedError
from aztec.bench.scenarios.base import Scenario
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.factory import create_telemetry_client

SERVICE_NAME: Final = "aztec-bench"
COLLECT_INTERVAL_MS: Final = 5_000
"""Long scenarios export every 5 s (more delta lines to sum); the final export happens at stop."""

ScenarioHook = Callable[[Scenario], None]


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
    scale: float = 1.0,
    collect_interval_ms: int = COLLECT_INTERVAL_MS,
    on_start: ScenarioHook | None = None,
    on_finish: ScenarioHook | None = None,
) -> list[Path]:
    """Run each scenario in turn; returns the NDJSON files written, one per scenario, in ``out_dir``."""
    if not scale > 0:
        raise BenchInputError(f"scale must be greater than 0, got {scale}")
    if out_dir.exists() and not out_dir.is_dir():
        raise BenchInputError(f"{out_dir}: exists and is not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=".bench-run-"))
    try:
        staged = []
        for scenario in scenarios:
            if on_start is not None:
                on_start(scenario)
            path = staging / f"{scenario.name}.ndjson"
            run_scenario(scenario, path, scale=scale, collect_interval_ms=collect_interval_ms)
            staged.append(path)
            if on_finish is not None:
                on_finish(scenario)
        written = []
        for path in staged:
            target = out_dir / path.name
            os.replace(path, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_scenario(
    scenario: Scenario, ndjson_path: Path, *, scale: float, collect_interval_ms: int = COLLECT_INTERVAL_MS
) -> None:
    """One scenario under its own client; the client is stopped (final export) even when it fails."""
    client = create_telemetry_client(bench_telemetry_config(ndjson_path, collect_interval_ms))
    try:
        outcome = scenario.run(client, scale)
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
