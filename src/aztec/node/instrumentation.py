"""Node service metrics: transactions received over RPC."""

from __future__ import annotations

from aztec.telemetry import TelemetryClient
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.node import NODE_RECEIVE_TX_COUNT, NODE_RECEIVE_TX_DURATION


class NodeInstrumentation:
    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("AztecNodeService")
        self._duration = meter.create_histogram(NODE_RECEIVE_TX_DURATION)
        count = meter.create_counter(NODE_RECEIVE_TX_COUNT)
        self._accepted = count.bind({a.OUTCOME: "accepted"})
        self._rejected = count.bind({a.OUTCOME: "rejected"})

    def record_receive(self, seconds: float, accepted: bool) -> None:
        self._duration.record(seconds)
        (self._accepted if accepted else self._rejected).add()
