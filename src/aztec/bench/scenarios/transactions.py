"""Transactions: validation duration, size, and L1 gas and calldata per block size.

Not built yet: it needs the transaction validator, the sequencer and the L1 publisher.
Replace :func:`run` when they exist.
"""

from __future__ import annotations

from typing import Final

from aztec.bench.errors import ScenarioUnavailableError
from aztec.bench.scenarios.base import Scenario
from aztec.telemetry.api import TelemetryClient


def run(telemetry: TelemetryClient, scale: float) -> None:
    raise ScenarioUnavailableError("transactions", "the transaction validator, the sequencer and the L1 publisher")


SCENARIO: Final = Scenario("transactions", "Validation duration, size, L1 gas and calldata per block size", run)
