"""Metrics of the public processor and the public executor."""

from __future__ import annotations

from aztec.stdlib.tx.outcomes import TxOutcome
from aztec.stdlib.tx.tx import Phase
from aztec.telemetry import attributes as a
from aztec.telemetry.api import BoundCounter, BoundHistogram, TelemetryClient
from aztec.telemetry.metrics.public_processor import (
    PUBLIC_EXECUTOR_SIMULATION_COUNT,
    PUBLIC_EXECUTOR_SIMULATION_DURATION,
    PUBLIC_PROCESSOR_GAS_RATE,
    PUBLIC_PROCESSOR_PHASE_DURATION,
    PUBLIC_PROCESSOR_TOTAL_GAS,
    PUBLIC_PROCESSOR_TX_COUNT,
    PUBLIC_PROCESSOR_TX_DURATION,
)


class PublicProcessorInstrumentation:
    """Meter ``PublicProcessor``: per-tx duration and outcome, per-phase duration, per-run gas and gas rate."""

    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("PublicProcessor")
        self._tx_duration = meter.create_histogram(PUBLIC_PROCESSOR_TX_DURATION)
        tx_count = meter.create_counter(PUBLIC_PROCESSOR_TX_COUNT)
        self._tx_count: dict[TxOutcome, BoundCounter] = {
            outcome: tx_count.bind({a.OUTCOME: outcome.value}) for outcome in TxOutcome
        }
        phase_duration = meter.create_histogram(PUBLIC_PROCESSOR_PHASE_DURATION)
        self._phase_duration: dict[Phase, BoundHistogram] = {
            phase: phase_duration.bind({a.TX_PHASE_NAME: phase.value}) for phase in Phase
        }
        self._total_gas = meter.create_histogram(PUBLIC_PROCESSOR_TOTAL_GAS)
        self._gas_rate = meter.create_histogram(PUBLIC_PROCESSOR_GAS_RATE)

    def record_tx(self, outcome: TxOutcome, duration_s: float) -> None:
        self._tx_duration.record(duration_s)
        self._tx_count[outcome].add(1)

    def record_phase(self, phase: Phase, duration_s: float) -> None:
        self._phase_duration[phase].record(duration_s)

    def record_run(self, total_gas: int, duration_s: float) -> None:
        """One :meth:`PublicProcessor.process` call that processed at least one transaction."""
        self._total_gas.record(total_gas)
        if duration_s > 0:
            self._gas_rate.record(total_gas / duration_s)


class PublicExecutorInstrumentation:
    """Meter ``PublicExecutor``: duration and count (by outcome) of each public call."""

    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("PublicExecutor")
        self._duration = meter.create_histogram(PUBLIC_EXECUTOR_SIMULATION_DURATION)
        count = meter.create_counter(PUBLIC_EXECUTOR_SIMULATION_COUNT)
        self._success = count.bind({a.OUTCOME: TxOutcome.SUCCESS.value})
        self._reverted = count.bind({a.OUTCOME: TxOutcome.REVERTED.value})

    def record_call(self, reverted: bool, duration_s: float) -> None:
        self._duration.record(duration_s)
        (self._reverted if reverted else self._success).add(1)
