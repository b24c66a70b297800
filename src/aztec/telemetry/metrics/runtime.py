"""Python runtime metrics that OpenTelemetry's instrumentation does not provide."""

from typing import Final

from aztec.telemetry.definitions import histogram

EVENT_LOOP_LAG: Final = histogram(
    "aztec.runtime.event_loop.lag",
    "s",
    "How late the asyncio event loop ran a timer it had scheduled (loop responsiveness)",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
