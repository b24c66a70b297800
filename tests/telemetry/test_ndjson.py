"""The NDJSON exporter writes one documented line per data point."""

from __future__ import annotations

import json
from pathlib import Path

from aztec.telemetry import attributes as a
from aztec.telemetry import create_telemetry_client
from aztec.telemetry.buckets import SECONDS
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.mempool import MEMPOOL_PENDING_TXS
from tests.telemetry.example_metrics import EXAMPLE_IN_FLIGHT, EXAMPLE_OPERATION, EXAMPLE_OPERATION_COUNT

SCHEMA_KEYS = {"time", "time_unix_nano", "service", "scope", "metric", "unit", "kind", "temporality", "attributes"}


def test_lines_follow_the_schema_and_deltas_add_up(tmp_path: Path) -> None:
    path = tmp_path / "out" / "metrics.ndjson"
    client = create_telemetry_client(TelemetryConfig(service_name="bench", ndjson_path=path, host_metrics=False))
    meter = client.get_meter("RealPublicKernelCircuitSimulator")
    histogram = meter.create_histogram(CIRCUIT_SIMULATION_DURATION)
    counter = meter.create_counter(EXAMPLE_OPERATION_COUNT)
    meter.create_up_down_counter(EXAMPLE_IN_FLIGHT).add(4)
    meter.create_observable_gauge(MEMPOOL_PENDING_TXS, lambda result: result.observe(9))
    histogram.record(0.01, {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"})
    counter.add(2, {EXAMPLE_OPERATION: "hash"})
    client.flush()
    histogram.record(0.03, {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"})
    counter.add(3, {EXAMPLE_OPERATION: "hash"})
    client.flush()
    client.flush()  # nothing new: no zero-valued delta lines
    client.stop()

    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert all(line.keys() >= SCHEMA_KEYS for line in lines)
    assert all(line["service"] == "bench" and line["time"].endswith("Z") for line in lines)

    histograms = [line for line in lines if line["metric"] == CIRCUIT_SIMULATION_DURATION.name]
    assert [h["count"] for h in histograms] == [1, 1]
    assert sum(h["sum"] for h in histograms) == 0.04
    first = histograms[0]
    assert first["kind"] == "histogram" and first["temporality"] == "delta" and first["unit"] == "s"
    assert first["scope"] == "RealPublicKernelCircuitSimulator"
    assert first["attributes"] == {"aztec.circuit.protocol_circuit_name": "base-rollup"}
    assert first["bounds"] == list(SECONDS) and len(first["bucket_counts"]) == len(SECONDS) + 1
    assert first["min"] == first["max"] == 0.01

    counts = [line for line in lines if line["metric"] == EXAMPLE_OPERATION_COUNT.name]
    assert [c["value"] for c in counts] == [2, 3]
    assert counts[0]["kind"] == "counter" and counts[0]["temporality"] == "delta"
    in_flight = [line for line in lines if line["metric"] == EXAMPLE_IN_FLIGHT.name]
    assert in_flight[-1]["kind"] == "up_down_counter" and in_flight[-1]["temporality"] == "cumulative"
    assert in_flight[-1]["value"] == 4
    gauges = [line for line in lines if line["metric"] == MEMPOOL_PENDING_TXS.name]
    assert gauges[-1]["kind"] == "gauge" and gauges[-1]["value"] == 9 and gauges[-1]["temporality"] is None
