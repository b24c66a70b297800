"""Circuits: simulation duration, input and output size per circuit; witness generation and
proving duration per circuit with the native prover.

Not built yet: it needs the protocol circuits and the native prover.
Replace :func:`run` when they exist.
"""

from __future__ import annotations

from typing import Final

from aztec.bench.errors import ScenarioUnavailableError
from aztec.bench.scenarios.base import Scenario
from aztec.telemetry.api import TelemetryClient


def run(telemetry: TelemetryClient, scale: float) -> None:
    raise ScenarioUnavailableError("circuits", "the protocol circuits and the native prover")


SCENARIO: Final = Scenario("circuits", "Simulation, witness generation and proving per circuit (native prover)", run)
