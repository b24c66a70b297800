"""OTLP through a real collector binary (rotel, from PyPI) as the middle hop: node -> rotel -> receiver."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import rotel

from aztec.telemetry import attributes as a
from aztec.telemetry import create_telemetry_client
from aztec.telemetry.buckets import SECONDS
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from tests.support.otlp_receivers import OtlpGrpcReceiver
from tests.support.prometheus_server import free_port

AGENT = Path(rotel.__file__).parent / "rotel-agent"


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"rotel exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("rotel did not start listening")


def test_metrics_pass_through_rotel_unchanged(tmp_path: Path) -> None:
    if not os.access(AGENT, os.X_OK):
        pytest.fail(f"the rotel wheel ships no executable agent at {AGENT}")
    receiver = OtlpGrpcReceiver()
    http_port, grpc_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            str(AGENT),
            "start",
            "--otlp-http-endpoint",
            f"127.0.0.1:{http_port}",
            "--otlp-grpc-endpoint",
            f"127.0.0.1:{grpc_port}",
            "--exporter",
            "otlp",
            "--otlp-exporter-endpoint",
            receiver.endpoint,
            "--otlp-exporter-protocol",
            "grpc",
            "--batch-timeout",
            "100ms",
            "--pid-file",
            str(tmp_path / "rotel.pid"),
            "--log-file",
            str(tmp_path / "rotel.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_listening(http_port, process)
        client = create_telemetry_client(
            TelemetryConfig(
                service_name="via-rotel",
                otlp_metrics_endpoint=f"http://127.0.0.1:{http_port}/v1/metrics",
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
        process.terminate()
        process.wait(timeout=10)
        receiver.close()
