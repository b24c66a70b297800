"""Stopping is bounded by the export timeout whatever the collector does, and clients stop in parallel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.shutdown import stop_all
from tests.support.otlp_receivers import BlackHole, OtlpHttpReceiver
from tests.support.prometheus_server import free_port

TIMEOUT_MS = 2000
SLACK_S = 1.5
"""What stop() may take beyond the export timeout (thread start, the scrape endpoint's own stop)."""


@contextmanager
def _down() -> Iterator[str]:
    yield f"http://127.0.0.1:{free_port()}/v1/metrics"  # nothing listens: connection refused


@contextmanager
def _black_hole() -> Iterator[str]:
    hole = BlackHole()
    try:
        yield hole.endpoint
    finally:
        hole.close()


@contextmanager
def _refusing() -> Iterator[str]:
    receiver = OtlpHttpReceiver(status=503)
    try:
        yield receiver.endpoint
    finally:
        receiver.close()


@contextmanager
def _slow() -> Iterator[str]:
    receiver = OtlpHttpReceiver(delay_s=10)
    try:
        yield receiver.endpoint
    finally:
        receiver.close()


COLLECTORS: dict[str, Callable[[], AbstractContextManager[str]]] = {
    "down": _down,
    "black-holed": _black_hole,
    "refusing": _refusing,
    "slow": _slow,
}


def _client(endpoint: str, name: str = "aztec-node") -> OtelTelemetryClient:
    client = OtelTelemetryClient(
        TelemetryConfig(
            service_name=name,
            otlp_metrics=OtlpExport(endpoint),
            collect_interval_ms=300,
            export_timeout_ms=TIMEOUT_MS,
            prometheus_port=0,
            host_metrics=False,
        ),
        probe_otlp=False,
    )
    histogram = client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
    histogram.record(0.1, {a.PROTOCOL_CIRCUIT_NAME: "merge-rollup", a.PROVER_TYPE: "native"})
    return client


@pytest.mark.parametrize("collector", sorted(COLLECTORS))
def test_one_client_stops_within_the_export_timeout(collector: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="aztec.telemetry")
    with COLLECTORS[collector]() as endpoint:
        client = _client(endpoint)
        time.sleep(0.8)  # let a few exports start (and hang or fail) before stopping
        started = time.monotonic()
        client.stop()
        took = time.monotonic() - started
    print(f"{collector}: stop took {took:.2f} s (export timeout {TIMEOUT_MS / 1000:g} s)")
    assert took < TIMEOUT_MS / 1000 + SLACK_S, took
    stopped = [r.getMessage() for r in caplog.records if "stopped without delivering" in r.getMessage()]
    assert len(stopped) == 1, stopped  # one brief line saying what was not delivered
    assert len(stopped[0]) < 200 and endpoint in stopped[0]


def test_three_clients_stop_in_parallel_not_one_after_another() -> None:
    """The sandbox's three services: the whole stop takes one export timeout, not three."""
    with _black_hole() as endpoint:
        clients = [_client(endpoint, name) for name in ("aztec-node", "aztec-bot", "aztec-follower")]
        time.sleep(0.8)
        started = time.monotonic()
        stop_all(clients)
        took = time.monotonic() - started
    print(f"three clients, black-holed collector: stop took {took:.2f} s")
    assert took < TIMEOUT_MS / 1000 + SLACK_S, took


def test_a_healthy_collector_gets_the_final_export() -> None:
    receiver = OtlpHttpReceiver()
    try:
        client = _client(receiver.endpoint)
        client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION).record(
            7.0, {a.PROTOCOL_CIRCUIT_NAME: "root-rollup", a.PROVER_TYPE: "native"}
        )
        client.stop()
        points = [p for p in receiver.points() if p.attributes.get(a.PROTOCOL_CIRCUIT_NAME) == "root-rollup"]
        assert points and points[-1].point.count == 1
    finally:
        receiver.close()
