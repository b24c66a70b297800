"""The standalone prover's own metric: failed fetches of a block's txs (the proving metrics are the prover's)."""

from __future__ import annotations

from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.proving import PROVER_NODE_TX_FETCH_FAILURES


class StandaloneProverInstrumentation:
    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("StandaloneProver")
        self._fetch_failures = meter.create_counter(PROVER_NODE_TX_FETCH_FAILURES)

    def record_fetch_failure(self, error_type: str) -> None:
        self._fetch_failures.add(1, {a.ERROR_TYPE: error_type})
