"""A collector that is down, hangs or refuses never stalls the node; failures are counted and reported."""

from __future__ import annotations

import logging
import statistics
import time
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from aztec.telemetry import attributes as a
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.telemetry import TELEMETRY_EXPORT_COUNT
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.otlp_receivers import BlackHole, OtlpHttpReceiver
from tests.support.polling import wait_until
from tests.support.prometheus_server import free_port

ATTRS = {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"}


def _export_count(reader: InMemoryMetricReader, outcome: str) -> int:
    data = reader.get_metrics_data()
    total = 0
    for rm in data.resource_metrics if data else []:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                if metric.name != TELEMETRY_EXPORT_COUNT.name:
                    continue
                points: list[Any] = list(metric.data.data_points)
                total += sum(int(p.value) for p in points if p.attributes.get("aztec.outcome") == outcome)
    return total


def _cost_per_record_ns(client: OtelTelemetryClient, n: int = 5000) -> float:
    histogram = client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
    samples = []
    for _ in range(5):
        start = time.perf_counter_ns()
        for _ in range(n):
            histogram.record(0.001, ATTRS)
        samples.append((time.perf_counter_ns() - start) / n)
    return statistics.median(samples)


def test_black_holed_collector(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="aztec.telemetry")
    hole = BlackHole()
    reader = InMemoryMetricReader()
    config = TelemetryConfig(
        otlp_metrics=OtlpExport(hole.endpoint), collect_interval_ms=200, export_timeout_ms=1500, host_metrics=False
    )
    client = OtelTelemetryClient(config, extra_readers=[reader], probe_otlp=False)
    control = OtelTelemetryClient(TelemetryConfig(prometheus_port=0, host_metrics=False))
    try:
        client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION).record(0.1, ATTRS)
        wait_until(lambda: len(hole.connections) >= 1, timeout=20.0)  # an export is now stuck waiting for an answer
        stuck_cost = _cost_per_record_ns(client)
        control_cost = _cost_per_record_ns(control)
        # Side by side in one run: recording does not wait for the exporter (a stall would be ~1e6x).
        assert stuck_cost < 5 * control_cost, (stuck_cost, control_cost)
        wait_until(lambda: _export_count(reader, "failure") >= 1, timeout=20.0)
        started = time.monotonic()
        client.stop()
        assert time.monotonic() - started < config.export_timeout_ms / 1000 + 3.0
    finally:
        client.stop()
        control.stop()
        hole.close()
    failing = [r for r in caplog.records if " failing: " in r.getMessage()]
    assert len(failing) == 1, [r.getMessage() for r in failing]  # at most one report per interval
    assert hole.endpoint in failing[0].getMessage()


def test_refusing_collector_is_counted_and_recovery_reported(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="aztec.telemetry")
    receiver = OtlpHttpReceiver(status=503)
    reader = InMemoryMetricReader()
    client = OtelTelemetryClient(
        TelemetryConfig(
            otlp_metrics=OtlpExport(receiver.endpoint),
            collect_interval_ms=100,
            export_timeout_ms=500,
            host_metrics=False,
        ),
        extra_readers=[reader],
        probe_otlp=False,
    )
    try:
        client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION).record(0.1, ATTRS)
        wait_until(lambda: _export_count(reader, "failure") >= 2, timeout=20.0)
        (state,) = client.health.endpoints()
        assert state.failing and state.exporter == "otlp_http"
        assert "Service Unavailable" in (state.last_error or "")
        receiver.status = 200
        wait_until(lambda: _export_count(reader, "success") >= 1, timeout=20.0)
        wait_until(lambda: any("recovered" in r.getMessage() for r in caplog.records), timeout=20.0)
        assert not client.health.endpoints()[0].failing
        assert receiver.wait_for(lambda ps: any(p.metric == CIRCUIT_SIMULATION_DURATION.name for p in ps))
    finally:
        client.stop()
        receiver.close()
    messages = [r.getMessage() for r in caplog.records]
    assert any(" failing: " in m and receiver.endpoint in m and "Service Unavailable" in m for m in messages)
    # OpenTelemetry's own per-attempt warnings are folded into ours, not repeated.
    assert not any(r.name.startswith("opentelemetry.exporter") and r.levelno >= logging.WARNING for r in caplog.records)


def test_down_collector_is_reported_at_start(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="aztec.telemetry")
    endpoint = f"http://127.0.0.1:{free_port()}/v1/metrics"
    client = OtelTelemetryClient(
        TelemetryConfig(
            otlp_metrics=OtlpExport(endpoint), collect_interval_ms=60_000, export_timeout_ms=1000, host_metrics=False
        )
    )
    try:
        wait_until(lambda: any("unreachable" in r.getMessage() for r in caplog.records), timeout=10)
        assert client.describe() == [f"OTLP (http/protobuf) push to {endpoint} every 60 s"]
    finally:
        client.stop()
    message = next(r.getMessage() for r in caplog.records if "unreachable" in r.getMessage())
    assert endpoint in message and "Connection refused" in message and "keeps running" in message
