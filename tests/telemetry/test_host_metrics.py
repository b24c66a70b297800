"""Host, process and runtime metrics, and switching them off."""

from __future__ import annotations

import asyncio
import time

from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.host_metrics import EventLoopLagMonitor
from aztec.telemetry.metrics import host
from aztec.telemetry.metrics.runtime import EVENT_LOOP_LAG
from aztec.telemetry.registry import all_metrics
from aztec.telemetry.testing import InMemoryTelemetryClient


def test_every_registered_host_metric_is_collected() -> None:
    client = InMemoryTelemetryClient(TelemetryConfig(host_metrics=True))
    try:
        names = client.metric_names()
        expected = {d.name for d in all_metrics() if d.semconv}
        assert expected == set(host.INSTRUMENTATION_CONFIG)
        assert expected <= names
        assert client.gauge_value(host.PROCESS_MEMORY_USAGE) > 1_000_000
        assert client.gauge_value(host.PROCESS_OPEN_FILE_DESCRIPTORS) >= 3
        assert client.gauge_value(host.PROCESS_THREADS) >= 1
    finally:
        client.stop()


def test_host_metrics_can_be_switched_off() -> None:
    client = InMemoryTelemetryClient(TelemetryConfig(host_metrics=False))
    try:
        assert not any(n.startswith(("process.", "system.", "cpython.")) for n in client.metric_names())
    finally:
        client.stop()


async def test_event_loop_lag_is_measured(telemetry: InMemoryTelemetryClient) -> None:
    monitor = EventLoopLagMonitor(telemetry, interval_s=0.01)
    monitor.start()
    deadline = asyncio.get_running_loop().time() + 10
    while not telemetry.series(EVENT_LOOP_LAG) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    # Block the loop for 50 ms from a callback: the next sample must see that lag.
    asyncio.get_running_loop().call_soon(time.sleep, 0.05)
    while telemetry.histogram(EVENT_LOOP_LAG).sum < 0.03 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    await monitor.stop()
    lag = telemetry.histogram(EVENT_LOOP_LAG)
    assert lag.count >= 2
    assert lag.sum >= 0.03
