"""``ProverInstrumentation``: the circuit metrics every ``ServerCircuitProver`` records, as the spec's."""

from __future__ import annotations

from typing import Literal

from aztec.foundation.timer import Timer
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.telemetry import attributes as a
from aztec.telemetry.api import BoundHistogram, Histogram, TelemetryClient
from aztec.telemetry.definitions import Attributes
from aztec.telemetry.metrics import circuit as m

ProverType = Literal["test", "native"]
DurationMetric = Literal["simulation_duration", "witgen_duration", "proving_duration"]
SizeMetric = Literal["input_size", "output_size", "proof_size"]


class ProverInstrumentation:
    """Durations and sizes by circuit name, with the circuit type (server) and the prover type.

    Every job records three of them, so each (metric, circuit) series is bound once and kept: a record
    is then one call on its cell, not an attribute dictionary and a lookup (circuits are a fixed set).
    """

    def __init__(self, telemetry: TelemetryClient, name: str, prover_type: ProverType) -> None:
        meter = telemetry.get_meter(name)
        self._prover_type = prover_type
        self._durations: dict[DurationMetric, Histogram] = {
            "simulation_duration": meter.create_histogram(m.CIRCUIT_SIMULATION_DURATION),
            "witgen_duration": meter.create_histogram(m.CIRCUIT_WITNESS_GENERATION_DURATION),
            "proving_duration": meter.create_histogram(m.CIRCUIT_PROVING_DURATION),
        }
        self._sizes: dict[SizeMetric, Histogram] = {
            "input_size": meter.create_histogram(m.CIRCUIT_SIMULATION_INPUT_SIZE),
            "output_size": meter.create_histogram(m.CIRCUIT_SIMULATION_OUTPUT_SIZE),
            "proof_size": meter.create_histogram(m.CIRCUIT_PROVING_PROOF_SIZE),
        }
        self._bound: dict[tuple[str, CircuitName], BoundHistogram] = {}

    def _attributes(self, circuit: CircuitName) -> Attributes:
        return {
            a.PROTOCOL_CIRCUIT_NAME: str(circuit),
            a.PROTOCOL_CIRCUIT_TYPE: "server",
            a.PROVER_TYPE: self._prover_type,
        }

    def _series(self, histogram: Histogram, metric: str, circuit: CircuitName) -> BoundHistogram:
        bound = self._bound.get((metric, circuit))
        if bound is None:
            bound = self._bound[(metric, circuit)] = histogram.bind(self._attributes(circuit))
        return bound

    def record_duration(self, metric: DurationMetric, circuit: CircuitName, timer_or_s: Timer | float) -> None:
        seconds = timer_or_s.s() if isinstance(timer_or_s, Timer) else timer_or_s
        self._series(self._durations[metric], metric, circuit).record(seconds)

    def record_size(self, metric: SizeMetric, circuit: CircuitName, size: int) -> None:
        self._series(self._sizes[metric], metric, circuit).record(size)
