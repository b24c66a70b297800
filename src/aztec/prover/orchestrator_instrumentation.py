"""``ProvingOrchestratorInstrumentation``: how long blocks take to prove, and how proving them ended."""

from __future__ import annotations

from typing import Literal

from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics import proving as m

BlockOutcome = Literal["success", "failure"]


class ProvingOrchestratorInstrumentation:
    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("ProvingOrchestrator")
        self._duration = meter.create_histogram(m.PROVING_ORCHESTRATOR_BLOCK_DURATION)
        self._outcomes = meter.create_counter(m.PROVING_ORCHESTRATOR_BLOCK_OUTCOME)

    def record_block(self, seconds: float, outcome: BlockOutcome) -> None:
        """Duration of successfully proven blocks; every block's outcome."""
        if outcome == "success":
            self._duration.record(seconds)
        self._outcomes.add(1, {a.OUTCOME: outcome})
