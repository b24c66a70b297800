"""The ``telemetry`` scenario's own metrics: the telemetry client measuring itself.

They are not node metrics, so they stay out of the registry (:mod:`aztec.telemetry.metrics`) and of
``docs/metrics.md``; only the benchmark scenario records them.
"""

from typing import Final

from aztec.telemetry.definitions import AttributeKey, counter, histogram, up_down_counter

DEMO_OPERATION: Final = AttributeKey(
    "aztec.demo.operation_kind", "Operation performed by the demo service", values=("hash", "sleep")
)

DEMO_OPERATION_DURATION: Final = histogram(
    "aztec.demo.operation.duration", "s", "Time taken by one demo operation", attributes=(DEMO_OPERATION,)
)
DEMO_OPERATION_COUNT: Final = counter(
    "aztec.demo.operation.count", "{operation}", "Demo operations performed", attributes=(DEMO_OPERATION,)
)
DEMO_IN_FLIGHT: Final = up_down_counter("aztec.demo.in_flight", "{operation}", "Demo operations under way")
