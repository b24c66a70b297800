"""Histogram bucket boundaries by unit, overridable per metric in the registry.

OpenTelemetry's default boundaries (0, 5, 10 ... 10000) suit milliseconds, not the base units the spec
demands; these cover what the node measures in each unit.
"""

from __future__ import annotations

from typing import Final

from aztec.telemetry.definitions import MetricDefinition

SECONDS: Final = (
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
    0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
)  # fmt: skip
"""100 µs to 5 min."""

BYTES: Final = (*(float(32 * 4**i) for i in range(10)), 16.0 * 1024 * 1024)
"""32 B to 16 MiB, by factors of 4."""

COUNTS: Final = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 4096.0)
"""Small counts (transactions per block, batch sizes, queue depths)."""

GAS: Final = tuple(float(10**e) for e in range(3, 10))
"""1e3 to 1e9 gas units."""

_BY_UNIT: Final[dict[str, tuple[float, ...]]] = {
    "s": SECONDS,
    "By": BYTES,
    "{gas}": GAS,
}


def boundaries_for(definition: MetricDefinition) -> tuple[float, ...]:
    """The metric's own boundaries, else its unit's, else the count boundaries."""
    if definition.buckets is not None:
        return definition.buckets
    return _BY_UNIT.get(definition.unit, COUNTS)
