"""Host, process and runtime metrics: OpenTelemetry's system-metrics instrumentation plus event-loop lag."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from opentelemetry.metrics import MeterProvider
from opentelemetry.sdk.metrics.view import View

from aztec.foundation.background import BackgroundTask
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.filtering import MetricFilter
from aztec.telemetry.metrics.host import INSTRUMENTATION_CONFIG, SEMCONV_RENAMES
from aztec.telemetry.metrics.runtime import EVENT_LOOP_LAG
from aztec.telemetry.otel.private_api import instrument_system_metrics


def instrument_host_metrics(provider: MeterProvider, metric_filter: MetricFilter) -> None:
    """Register the system-metrics instruments on ``provider`` (not on the global provider).

    ``provider`` is the SDK's, or a :class:`~aztec.telemetry.otel.local_observables.LocalObservables`
    capture (which applies :func:`host_metric_renames` itself).

    Each client gets its own system-metrics instrumentor (see
    :func:`~aztec.telemetry.otel.private_api.instrument_system_metrics`), so two clients in one process
    both get host metrics. The instruments live and die with ``provider``. Metrics the filter excludes are not
    even requested, so they cost nothing at collection time.
    """
    original = {new: old for old, new in SEMCONV_RENAMES.items()}
    config = {
        original.get(name, name): values
        for name, values in INSTRUMENTATION_CONFIG.items()
        if metric_filter.allows(name)
    }
    instrument_system_metrics(provider, config)


def host_metric_renames() -> Mapping[str, str]:
    """The instrumentation's name to the registry's, for the two metrics whose names differ."""
    return SEMCONV_RENAMES


def host_metric_views() -> list[View]:
    """Views that give two instrumentation metrics their registry names (see ``SEMCONV_RENAMES``)."""
    return [View(instrument_name=old, name=new) for old, new in SEMCONV_RENAMES.items()]


class EventLoopLagMonitor:
    """Records how late the running event loop wakes a sleeper, as ``aztec.runtime.event_loop.lag``."""

    def __init__(self, telemetry: TelemetryClient, interval_s: float = 0.5) -> None:
        self._lag = telemetry.get_meter("EventLoopLagMonitor").create_histogram(EVENT_LOOP_LAG)
        self._interval = interval_s
        self._loop = BackgroundTask("event-loop-lag", self._run)

    def start(self) -> None:
        """Start sampling on the running loop."""
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(self._interval)
            self._lag.record(max(0.0, loop.time() - started - self._interval))
