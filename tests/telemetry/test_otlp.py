"""OTLP on the wire: HTTP/protobuf and gRPC into receivers on 127.0.0.1, decoded with opentelemetry-proto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry import create_telemetry_client
from aztec.telemetry.buckets import SECONDS
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.l1 import L1_BASE_FEE, L1_PUBLISHER_BALANCE
from aztec.telemetry.metrics.mempool import MEMPOOL_PENDING_TXS
from tests.support.otlp_receivers import OtlpGrpcReceiver, OtlpHttpReceiver, ReceivedPoint
from tests.telemetry.example_metrics import EXAMPLE_IN_FLIGHT, EXAMPLE_OPERATION, EXAMPLE_OPERATION_COUNT

BASE = {a.PROTOCOL_CIRCUIT_NAME: "base-rollup", a.PROVER_TYPE: "test"}


@pytest.fixture
def grpc_receiver() -> Iterator[OtlpGrpcReceiver]:
    receiver = OtlpGrpcReceiver()
    yield receiver
    receiver.close()


def _record_and_stop(config: TelemetryConfig) -> None:
    client = create_telemetry_client(config)
    meter = client.get_meter("RealPublicKernelCircuitSimulator")
    histogram = meter.create_histogram(CIRCUIT_SIMULATION_DURATION)
    for value in (0.0004, 0.003, 0.003, 2.0):
        histogram.record(value, BASE)
    meter.create_counter(EXAMPLE_OPERATION_COUNT).add(5, {EXAMPLE_OPERATION: "hash"})
    meter.create_up_down_counter(EXAMPLE_IN_FLIGHT).add(2)
    meter.create_observable_gauge(MEMPOOL_PENDING_TXS, lambda result: result.observe(17))
    client.stop()  # flushes: the final export must carry everything


def _assert_payload(points: list[ReceivedPoint], service: str) -> None:
    by_name = {p.metric: p for p in points}
    duration = by_name[CIRCUIT_SIMULATION_DURATION.name]
    assert duration.service == service
    assert duration.unit == "s"
    assert duration.kind == "histogram"
    assert duration.attributes == {
        "aztec.circuit.protocol_circuit_name": "base-rollup",
        "aztec.proving.prover_type": "test",
    }
    assert tuple(duration.point.explicit_bounds) == SECONDS
    assert duration.point.count == 4
    assert duration.point.sum == pytest.approx(2.0064)
    counts = list(duration.point.bucket_counts)
    assert sum(counts) == 4
    assert counts[SECONDS.index(0.0005)] == 1 and counts[SECONDS.index(0.005)] == 2
    assert counts[SECONDS.index(2.5)] == 1
    operations = by_name[EXAMPLE_OPERATION_COUNT.name]
    assert operations.kind == "sum" and operations.point.as_int == 5
    assert operations.unit == "{operation}"
    assert by_name[EXAMPLE_IN_FLIGHT.name].point.as_int == 2
    assert by_name[MEMPOOL_PENDING_TXS.name].kind == "gauge"
    assert by_name[MEMPOOL_PENDING_TXS.name].point.as_int == 17


def _has_all(points: list[ReceivedPoint]) -> bool:
    return {CIRCUIT_SIMULATION_DURATION.name, EXAMPLE_OPERATION_COUNT.name, MEMPOOL_PENDING_TXS.name} <= {
        p.metric for p in points
    }


def test_otlp_http_protobuf(http_receiver: OtlpHttpReceiver) -> None:
    _record_and_stop(
        TelemetryConfig(
            service_name="node-http",
            otlp_metrics=OtlpExport(http_receiver.endpoint),
            host_metrics=False,
            export_timeout_ms=5000,
        )
    )
    _assert_payload(http_receiver.wait_for(_has_all), "node-http")


def test_otlp_grpc(grpc_receiver: OtlpGrpcReceiver) -> None:
    _record_and_stop(
        TelemetryConfig(
            service_name="node-grpc",
            otlp_metrics=OtlpExport(grpc_receiver.endpoint, "grpc"),
            host_metrics=False,
            export_timeout_ms=5000,
        )
    )
    _assert_payload(grpc_receiver.wait_for(_has_all), "node-grpc")


def test_periodic_export_without_stop(http_receiver: OtlpHttpReceiver) -> None:
    client = create_telemetry_client(
        TelemetryConfig(otlp_metrics=OtlpExport(http_receiver.endpoint), collect_interval_ms=100, host_metrics=True)
    )
    try:
        client.get_meter("T").create_counter(EXAMPLE_OPERATION_COUNT).add(1, {EXAMPLE_OPERATION: "sleep"})
        points = http_receiver.wait_for(
            lambda ps: {EXAMPLE_OPERATION_COUNT.name, "process.cpu.time"} <= {p.metric for p in ps}
        )
        assert any(p.metric == "process.memory.usage" for p in points)
    finally:
        client.stop()


def test_a_double_gauge_fed_a_wei_balance_exports(http_receiver: OtlpHttpReceiver) -> None:
    """1,000 ETH in wei (10^21) overflows OTLP's int64: a double metric observed as a Python int must go out
    as a double, or every export of the client fails (the fault-injection suite found this)."""
    client = create_telemetry_client(
        TelemetryConfig(
            service_name="node-wei",
            otlp_metrics=OtlpExport(http_receiver.endpoint),
            host_metrics=False,
            export_timeout_ms=5000,
        )
    )
    meter = client.get_meter("L1Publisher")
    balance = meter.create_observable_gauge(L1_PUBLISHER_BALANCE)
    meter.add_batch_observable_callback(
        lambda result: result.observe(balance, 1_000 * 10**18, {a.L1_SENDER: "publisher"}), (balance,)
    )
    meter.create_observable_gauge(L1_BASE_FEE, lambda result: result.observe(10**20))
    client.stop()
    points = http_receiver.wait_for(lambda ps: {L1_PUBLISHER_BALANCE.name, L1_BASE_FEE.name} <= {p.metric for p in ps})
    by_name = {p.metric: p for p in points}
    assert by_name[L1_PUBLISHER_BALANCE.name].point.as_double == 1e21
    assert by_name[L1_BASE_FEE.name].point.as_double == 1e20
