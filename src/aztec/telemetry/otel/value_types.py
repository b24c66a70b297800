"""The registry's value type is what goes on the wire, whatever a call site or callback passed.

OTLP encodes a number point as ``as_int`` (sfixed64) when the Python value is an ``int`` and as
``as_double`` otherwise, so an ``int`` above 2**63 (a wei balance, say) used to fail the encoding of
the whole batch. Every collection passes through :class:`ValueConformer` before any exporter sees it:
a DOUBLE metric's points become floats, an INT metric's points ints that fit int64, and a point that
cannot be represented (NaN or infinity on an INT metric, an integer out of int64 range) is dropped,
counted and warned about once per metric. Every reader (scrape endpoint, OTLP, NDJSON, in memory)
therefore sees the same typed values.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Final

from opentelemetry.sdk.metrics.export import Gauge, Metric, MetricsData, NumberDataPoint, Sum

from aztec.telemetry.definitions import MetricDefinition, ValueType

_log = logging.getLogger("aztec.telemetry")

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1

REASON_OUT_OF_RANGE: Final = "value_out_of_range"
REASON_NOT_FINITE: Final = "value_not_finite"

DropHandler = Callable[[str, str], None]
"""Called with (metric name, reason) for every dropped point."""


def conform_value(value: float, value_type: ValueType | None) -> tuple[float | None, str | None]:
    """``(value as the wire type, None)``, or ``(None, reason)`` when it cannot be represented.

    ``value_type`` None (a metric outside the registry) keeps the Python type, checking ints' range.
    """
    if value_type is ValueType.DOUBLE:
        try:
            return float(value), None
        except OverflowError:  # an int beyond a double's range
            return None, REASON_OUT_OF_RANGE
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float):
        if value_type is None:
            return value, None
        if not math.isfinite(value):
            return None, REASON_NOT_FINITE
        value = round(value)
    if INT64_MIN <= value <= INT64_MAX:
        return int(value), None
    return None, REASON_OUT_OF_RANGE


class ValueConformer:
    """Rewrites collected data so that every number point has its metric's declared value type."""

    def __init__(self, definitions: Mapping[str, MetricDefinition], on_drop: DropHandler | None = None) -> None:
        self._types = {name: definition.value_type for name, definition in definitions.items()}
        self._on_drop: DropHandler = on_drop or (lambda _metric, _reason: None)
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def set_drop_handler(self, on_drop: DropHandler) -> None:
        self._on_drop = on_drop

    def conform(self, data: MetricsData | None) -> MetricsData | None:
        if data is None:
            return None
        changed = False
        resource_metrics = []
        for rm in data.resource_metrics:
            scope_metrics = []
            for sm in rm.scope_metrics:
                metrics = []
                for metric in sm.metrics:
                    conformed = self._metric(metric)
                    changed |= conformed is not metric
                    if conformed is not None:
                        metrics.append(conformed)
                scope_metrics.append(replace(sm, metrics=metrics))
            resource_metrics.append(replace(rm, scope_metrics=scope_metrics))
        return MetricsData(resource_metrics=resource_metrics) if changed else data

    def _metric(self, metric: Metric) -> Metric | None:
        data = metric.data
        if not isinstance(data, Sum | Gauge):
            return metric  # histogram sums, minima and maxima are doubles on the wire already
        value_type = self._types.get(metric.name)
        points: list[NumberDataPoint] = []
        changed = False
        for point in data.data_points:
            value, reason = conform_value(point.value, value_type)
            if value is None:
                changed = True
                self._drop(metric.name, reason or REASON_OUT_OF_RANGE, point.value)
                continue
            if value is point.value or (type(value) is type(point.value) and value == point.value):
                points.append(point)
            else:
                changed = True
                points.append(replace(point, value=value))
        if not changed:
            return metric
        if not points:
            return None
        return replace(metric, data=replace(data, data_points=points))

    def _drop(self, metric: str, reason: str, value: float) -> None:
        self._on_drop(metric, reason)
        with self._lock:
            first = metric not in self._warned
            self._warned.add(metric)
        if first:
            _log.warning(
                "telemetry: %s: a point with value %r cannot be exported as its declared type (%s); such points "
                "are dropped and counted in aztec.telemetry.dropped_records",
                metric,
                value,
                reason,
            )
