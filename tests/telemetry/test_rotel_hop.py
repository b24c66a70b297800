"""OTLP through a real collector binary (rotel, from PyPI) as the middle hop: node -> rotel -> receiver."""

from __future__ import annotations

from pathlib import Path

from aztec.telemetry import attributes as a
from aztec.telemetry import create_telemetry_client
from aztec.telemetry.buckets import SECONDS
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from tests.support.otlp_receivers import OtlpGrpcReceiver
from tests.support.rotel import RotelCollector


def test_metrics_pass_through_rotel_unchanged(tmp_path: Path) -> None:
    receiver = OtlpGrpcReceiver()
    rotel = RotelCollector(receiver.endpoint, tmp_path)
    try:
        client = create_telemetry_client(
            TelemetryConfig(
                service_name="via-rotel",
                otlp_metrics=OtlpExport(f"{rotel.http_base}/v1/metrics"),
                host_metrics=False,
                export_timeout_ms=5000,
            )
        )
        histogram = client.get_meter("BBNativeRollupProver").create_histogram(CIRCUIT_SIMULATION_DURATION)
        for value in (0.02, 0.2, 2.0):
            histogram.record(value, {a.PROTOCOL_CIRCUIT_NAME: "merge-rollup", a.PROVER_TYPE: "native"})
        client.stop()
        points = receiver.wait_for(lambda ps: any(p.metric == CIRCUIT_SIMULATION_DURATION.name for p in ps))
        (point,) = [p for p in points if p.metric == CIRCUIT_SIMULATION_DURATION.name]
        assert point.service == "via-rotel" and point.unit == "s"
        assert point.attributes == {
            "aztec.circuit.protocol_circuit_name": "merge-rollup",
            "aztec.proving.prover_type": "native",
        }
        assert point.point.count == 3 and tuple(point.point.explicit_bounds) == SECONDS
    finally:
        rotel.close()
        receiver.close()
