"""Example metrics: the benchmark framework's self-test scenario and the telemetry tests record these."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import counter, histogram, up_down_counter

DEMO_OPERATION_DURATION: Final = histogram(
    "aztec.demo.operation.duration", "s", "Time taken by one demo operation", attributes=(a.DEMO_OPERATION,)
)
DEMO_OPERATION_COUNT: Final = counter(
    "aztec.demo.operation.count", "{operation}", "Demo operations performed", attributes=(a.DEMO_OPERATION,)
)
DEMO_IN_FLIGHT: Final = up_down_counter("aztec.demo.in_flight", "{operation}", "Demo operations under way")
