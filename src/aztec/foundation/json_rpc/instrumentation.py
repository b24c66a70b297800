"""Metrics of the JSON-RPC server: call duration and count by method and status, and batch size.

The method label is the method's name only when it is registered (anything else is ``unknown``) and
the status is ``ok`` or a :class:`JsonRpcError` subclass's fixed ``name``, so both stay bounded.
Request ids and params never reach a metric.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Final

from aztec.foundation.json_rpc.registry import UNKNOWN_METHOD
from aztec.telemetry import attributes as a
from aztec.telemetry.api import BoundCounter, BoundHistogram, TelemetryClient
from aztec.telemetry.metrics.node import JSON_RPC_BATCH_SIZE, JSON_RPC_REQUEST_COUNT, JSON_RPC_REQUEST_DURATION

STATUS_OK: Final = "ok"


class JsonRpcInstrumentation:
    """Meter ``JsonRpcServer``; ``methods`` is the live set of registered method names."""

    def __init__(self, telemetry: TelemetryClient, methods: Container[str]) -> None:
        meter = telemetry.get_meter("JsonRpcServer")
        self._methods = methods
        self._duration = meter.create_histogram(JSON_RPC_REQUEST_DURATION)
        self._count = meter.create_counter(JSON_RPC_REQUEST_COUNT)
        self._batch_size = meter.create_histogram(JSON_RPC_BATCH_SIZE)
        self._bound: dict[tuple[str, str], tuple[BoundHistogram, BoundCounter]] = {}

    def method_label(self, method: object) -> str:
        return method if isinstance(method, str) and method in self._methods else UNKNOWN_METHOD

    def record_call(self, method: object, status: str, duration_s: float) -> None:
        """One call (a single request or one entry of a batch), notifications included."""
        key = (self.method_label(method), status)
        bound = self._bound.get(key)
        if bound is None:
            attributes = {a.RPC_METHOD: key[0], a.RPC_STATUS: key[1]}
            bound = (self._duration.bind(attributes), self._count.bind(attributes))
            self._bound[key] = bound
        bound[0].record(duration_s)
        bound[1].add()

    def record_batch(self, size: int) -> None:
        self._batch_size.record(size)
