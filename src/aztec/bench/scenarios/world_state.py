"""World state: insertion duration per tree for batches of 16, 64 and 256 leaves.

Not built yet: it needs the world state (Merkle trees in LMDB).
Replace :func:`run` when they exist.
"""

from __future__ import annotations

from typing import Final

from aztec.bench.errors import ScenarioUnavailableError
from aztec.bench.scenarios.base import Scenario
from aztec.telemetry.api import TelemetryClient

BATCH_SIZES: Final = (16, 64, 256)
"""Leaves per insertion batch at scale 1."""


def run(telemetry: TelemetryClient, scale: float) -> None:
    raise ScenarioUnavailableError("world-state", "the world state (Merkle trees in LMDB)")


SCENARIO: Final = Scenario("world-state", "Insertion duration per tree for batches of 16, 64 and 256 leaves", run)
