"""The scrape endpoint's listener under hostile clients, and its content negotiation and paths."""

from __future__ import annotations

import contextlib
import gzip
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource

from aztec.foundation.http import ConnectionLimits
from aztec.telemetry.exporters.prometheus import PrometheusEndpoint
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from tests.support.polling import wait_until
from tests.support.prometheus_server import PrometheusServer
from tests.support.slow_clients import SLOW_SOCKETS, closed_by_server, slow_socket

ATTACK_LIMITS = ConnectionLimits(max_connections=32, header_timeout_s=1.0, body_timeout_s=1.0, idle_timeout_s=2.0)


@pytest.fixture
def endpoint() -> Iterator[PrometheusEndpoint]:
    endpoint = PrometheusEndpoint("127.0.0.1", 0, resource=Resource.create({}), limits=ATTACK_LIMITS)
    assert endpoint.reader is not None  # rendered through the SDK's reader (no local aggregation given)
    provider = MeterProvider(metric_readers=[endpoint.reader])
    provider.get_meter("T").create_counter("scrapes_seen").add(1)
    endpoint.start()
    try:
        yield endpoint
    finally:
        endpoint.stop()
        provider.shutdown()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_scrape_works_while_200_slow_clients_hold_connections(endpoint: PrometheusEndpoint) -> None:
    threads_before = threading.active_count()
    slow = [slow_socket(endpoint.port) for _ in range(SLOW_SOCKETS)]
    try:
        # Every slow socket was accepted without a thread of its own.
        assert threading.active_count() <= threads_before + 1
        started = time.monotonic()
        for _ in range(5):
            status, _, body = _get(endpoint.url)
            assert status == 200
            assert b"scrapes_seen_total{" in body
        assert time.monotonic() - started < 5
        listener = endpoint.listener
        assert listener is not None
        stats = listener.guard.stats
        assert listener.guard.open_connections <= ATTACK_LIMITS.max_connections
        # Past the cap, the oldest slow connections made room (or had already timed out).
        assert stats.evicted + stats.header_timeouts >= SLOW_SOCKETS - ATTACK_LIMITS.max_connections
        # The ones still open are closed by the header timeout.
        wait_until(
            lambda: all(closed_by_server(s) for s in slow),
            timeout=10,
            message="the slow clients closed by the header timeout",
        )
        assert stats.header_timeouts >= 1
        assert _get(endpoint.url)[0] == 200
    finally:
        for sock in slow:
            with contextlib.suppress(OSError):
                sock.close()


class SlowlorisAttack:
    """A thread keeping ``SLOW_SOCKETS`` slow clients connected, reopening each one the server closes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="slowloris", daemon=True)

    def __enter__(self) -> SlowlorisAttack:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        sockets: list[socket.socket] = []
        try:
            while not self._stop.is_set():
                readable, _, _ = select.select(sockets, [], [], 0) if sockets else ([], [], [])
                for sock in readable:  # closed by the server (or answered): replace it
                    sock.close()
                    sockets.remove(sock)
                while len(sockets) < SLOW_SOCKETS and not self._stop.is_set():
                    with contextlib.suppress(OSError):
                        sockets.append(slow_socket(self.port))
                        self.opened += 1
                self._stop.wait(0.1)
        finally:
            for sock in sockets:
                sock.close()


def test_a_real_prometheus_keeps_scraping_through_a_sustained_attack(
    endpoint: PrometheusEndpoint, tmp_path: Path
) -> None:
    config = f"""
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:{endpoint.port}"]
"""
    prometheus = PrometheusServer(config, tmp_path / "prometheus")
    try:
        prometheus.wait_for_query('up{job="node"} == 1')
        with SlowlorisAttack(endpoint.port) as attack:
            started = time.monotonic()
            # at least 5 scrapes made during the attack, every one of them up
            prometheus.wait_for_query('count_over_time(up{job="node"}[5s]) >= 5', timeout_s=30)
            while time.monotonic() - started < 6:
                time.sleep(0.2)
            # Prometheus keeps its connection alive between scrapes; when the attack fills the table, that idle
            # connection can be the one closed to make room, and the next scrape on it fails once. At most one
            # scrape in five may fail so; the endpoint must keep answering the others.
            result = prometheus.query('avg_over_time(up{job="node"}[5s])')
            assert result and float(result[0]["value"][1]) >= 0.8, prometheus.api("targets")
            assert attack.opened > 2 * SLOW_SOCKETS, "the attack kept reopening its slow sockets"
        prometheus.wait_for_query('up{job="node"} == 1')
    finally:
        prometheus.stop()


def test_an_idle_keep_alive_connection_is_closed(endpoint: PrometheusEndpoint) -> None:
    sock = socket.create_connection(("127.0.0.1", endpoint.port), timeout=5)
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        wait_until(
            lambda: closed_by_server(sock),
            timeout=ATTACK_LIMITS.idle_timeout_s + 5,
            interval=0.2,
            message="the idle connection closed after the idle timeout",
        )
    finally:
        sock.close()


def test_negotiation_gzip_openmetrics_and_paths(endpoint: PrometheusEndpoint) -> None:
    from aztec.telemetry.config import TelemetryConfig
    from aztec.telemetry.otel.client import OtelTelemetryClient

    client = OtelTelemetryClient(TelemetryConfig(service_name="svc", prometheus_port=0, host_metrics=False))
    try:
        assert client.prometheus is not None
        client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION).record(0.2)
        url = client.prometheus.url
        status, headers, body = _get(url)
        assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert b"aztec_circuit_simulation_duration_seconds_bucket" in body
        status, headers, zipped = _get(url, {"Accept-Encoding": "gzip"})
        assert headers.get("Content-Encoding") == "gzip"
        assert b"aztec_circuit_simulation_duration_seconds_bucket" in gzip.decompress(zipped)
        status, headers, body = _get(url, {"Accept": "application/openmetrics-text; version=1.0.0"})
        assert headers["Content-Type"].startswith("application/openmetrics-text")
        assert body.rstrip().endswith(b"# EOF")
        root = url.removesuffix("/metrics") + "/"
        status, _, body = _get(root)
        assert status == 200 and b"/metrics" in body
        for path in ("/metricsx", "/favicon.ico", "/metrics/", "/debug"):
            assert _get(url.removesuffix("/metrics") + path)[0] == 404, path
    finally:
        client.stop()
