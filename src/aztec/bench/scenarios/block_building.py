"""Block building: build duration for blocks of 4, 16, 32 and 64 transactions.

Not built yet: it needs the sequencer's block builder, the public processor and world state.
Replace :func:`run` when they exist.
"""

from __future__ import annotations

from typing import Final

from aztec.bench.errors import ScenarioUnavailableError
from aztec.bench.scenarios.base import Scenario
from aztec.telemetry.api import TelemetryClient

BLOCK_SIZES: Final = (4, 16, 32, 64)
"""Transactions per block at scale 1."""


def run(telemetry: TelemetryClient, scale: float) -> None:
    raise ScenarioUnavailableError(
        "block-building", "the sequencer's block builder, the public processor and world state"
    )


SCENARIO: Final = Scenario("block-building", "Build duration for blocks of 4, 16, 32 and 64 transactions", run)
