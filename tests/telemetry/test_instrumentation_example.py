"""The spec's instrumentation-class pattern (``ProverInstrumentation``), with two provers sharing it."""

from __future__ import annotations

from typing import Literal

from aztec.foundation.timer import Timer
from aztec.telemetry import Histogram, NoopTelemetryClient, TelemetryClient
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.circuit import (
    CIRCUIT_PROVING_DURATION,
    CIRCUIT_SIMULATION_DURATION,
    CIRCUIT_WITNESS_GENERATION_DURATION,
)
from aztec.telemetry.testing import InMemoryTelemetryClient

DurationMetric = Literal["simulation_duration", "witgen_duration", "proving_duration"]


class ExampleProverInstrumentation:
    """Instruments created once; a type-safe record method for every prover implementation."""

    def __init__(self, telemetry: TelemetryClient, name: str, prover_type: str) -> None:
        meter = telemetry.get_meter(name)
        self._prover_type = prover_type
        self._histograms: dict[DurationMetric, Histogram] = {
            "simulation_duration": meter.create_histogram(CIRCUIT_SIMULATION_DURATION),
            "witgen_duration": meter.create_histogram(CIRCUIT_WITNESS_GENERATION_DURATION),
            "proving_duration": meter.create_histogram(CIRCUIT_PROVING_DURATION),
        }

    def record_duration(self, metric: DurationMetric, circuit_name: str, timer_or_s: Timer | float) -> None:
        seconds = timer_or_s if isinstance(timer_or_s, float) else timer_or_s.s()
        self._histograms[metric].record(
            seconds,
            {
                a.PROTOCOL_CIRCUIT_NAME: circuit_name,
                a.PROTOCOL_CIRCUIT_TYPE: "server",
                a.PROVER_TYPE: self._prover_type,
            },
        )


class ExampleTestProver:
    def __init__(self, telemetry: TelemetryClient) -> None:
        self._instrumentation = ExampleProverInstrumentation(telemetry, "ExampleTestProver", "test")

    def base_rollup(self) -> str:
        timer = Timer()
        result = "simulated"
        self._instrumentation.record_duration("simulation_duration", "base-rollup", timer)
        return result


class ExampleNativeProver:
    def __init__(self, telemetry: TelemetryClient) -> None:
        self._instrumentation = ExampleProverInstrumentation(telemetry, "ExampleNativeProver", "native")

    def base_rollup(self) -> str:
        self._instrumentation.record_duration("witgen_duration", "base-rollup", 0.25)
        self._instrumentation.record_duration("proving_duration", "base-rollup", 1.5)
        return "proven"


def test_each_prover_records_through_the_shared_instrumentation(telemetry: InMemoryTelemetryClient) -> None:
    assert ExampleTestProver(telemetry).base_rollup() == "simulated"
    assert ExampleNativeProver(telemetry).base_rollup() == "proven"
    simulated = telemetry.histogram(CIRCUIT_SIMULATION_DURATION, {a.PROVER_TYPE: "test"})
    assert simulated.count == 1
    proving = telemetry.histogram(
        CIRCUIT_PROVING_DURATION, {a.PROVER_TYPE: "native", a.PROTOCOL_CIRCUIT_NAME: "base-rollup"}
    )
    assert (proving.count, proving.sum) == (1, 1.5)
    (series,) = telemetry.series(CIRCUIT_WITNESS_GENERATION_DURATION)
    assert series.attributes == {
        "aztec.circuit.protocol_circuit_name": "base-rollup",
        "aztec.circuit.protocol_circuit_type": "server",
        "aztec.proving.prover_type": "native",
    }


def test_the_same_code_runs_on_the_noop_client() -> None:
    assert ExampleNativeProver(NoopTelemetryClient()).base_rollup() == "proven"
