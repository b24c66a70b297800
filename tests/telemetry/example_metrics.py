"""Metrics the telemetry tests record through every instrument kind: test definitions, not node metrics."""

from typing import Final

from aztec.telemetry.definitions import AttributeKey, counter, histogram, up_down_counter

EXAMPLE_OPERATION: Final = AttributeKey(
    "aztec.example.operation_kind", "Operation performed by the example", values=("hash", "sleep")
)
EXAMPLE_OPERATION_DURATION: Final = histogram(
    "aztec.example.operation.duration", "s", "Time taken by one example operation", attributes=(EXAMPLE_OPERATION,)
)
EXAMPLE_OPERATION_COUNT: Final = counter(
    "aztec.example.operation.count", "{operation}", "Example operations performed", attributes=(EXAMPLE_OPERATION,)
)
EXAMPLE_IN_FLIGHT: Final = up_down_counter("aztec.example.in_flight", "{operation}", "Example operations under way")
