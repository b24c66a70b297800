"""What a scenario is: a name, a description and a function that exercises components under telemetry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aztec.telemetry.api import TelemetryClient


@dataclass(frozen=True)
class RunSettings:
    """What ``aztec bench run`` passes to every scenario."""

    scale: float = 1.0
    """Multiplies every scenario's size (see :func:`scaled`)."""
    prover_scale: float | None = None
    """The native prover's cost-model scale (1 = the full model); None: the run's scale, at most 1."""

    def native_prover_scale(self) -> float:
        return self.prover_scale if self.prover_scale is not None else min(1.0, self.scale)


ScenarioFunction = Callable[[TelemetryClient, RunSettings], Awaitable[None] | None]
"""``run(telemetry, settings)``: build the components with ``telemetry``, exercise them at sizes multiplied
by ``settings.scale`` (see :func:`scaled`), and return (or return an awaitable, which the runner awaits).
Numbers go into metrics only; never print them. The runner flushes and stops the client afterwards."""


@dataclass(frozen=True)
class Scenario:
    name: str
    """Lowercase with hyphens; also the NDJSON file's stem (``block-building.ndjson``)."""
    description: str
    run: ScenarioFunction


def scaled(size: int, scale: float) -> int:
    """``size`` scaled down (or up) for a run, never below 1: ``scaled(256, 0.1) == 26``."""
    return max(1, round(size * scale))
