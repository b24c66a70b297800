"""Synchronous instruments over local aggregation: a record finds its cell and updates it in place.

``bind`` returns the cell itself, so a bound record is one method call on it. An unbound record costs
one tuple of the attribute items and one dictionary lookup more.
"""

from __future__ import annotations

from typing import Generic

from aztec.telemetry.api import BoundCounter, BoundGauge, BoundHistogram
from aztec.telemetry.definitions import Attributes, AttributeValue, MetricDefinition
from aztec.telemetry.noop import NOOP_BOUND
from aztec.telemetry.otel.cells import GaugeCell, HistogramCell, SumCell
from aztec.telemetry.otel.local_series import C, LocalMetric


class _LocalInstrument(Generic[C]):
    __slots__ = ("_lookup", "_metric")

    def __init__(self, metric: LocalMetric[C]) -> None:
        self._metric: LocalMetric[C] = metric
        self._lookup: dict[tuple[tuple[str, AttributeValue], ...], C] = metric.lookup

    @property
    def definition(self) -> MetricDefinition:
        return self._metric.definition


class LocalHistogram(_LocalInstrument[HistogramCell]):
    __slots__ = ()

    def record(self, value: float, attributes: Attributes | None = None) -> None:
        key = tuple(attributes.items()) if attributes else ()
        cell = self._lookup.get(key) or self._metric.cell_for(attributes)  # a miss: guard, then find or create
        if cell is not None:
            cell.record(value)

    def bind(self, attributes: Attributes) -> BoundHistogram:
        return self._metric.cell_for(attributes) or NOOP_BOUND


class LocalCounter(_LocalInstrument[SumCell]):
    """A counter or an up-down counter: the cell knows whether negative increments are refused."""

    __slots__ = ()

    def add(self, value: int = 1, attributes: Attributes | None = None) -> None:
        key = tuple(attributes.items()) if attributes else ()
        cell = self._lookup.get(key) or self._metric.cell_for(attributes)  # a miss: guard, then find or create
        if cell is not None:
            cell.add(value)

    def bind(self, attributes: Attributes) -> BoundCounter:
        """The bound cell; it also satisfies ``BoundUpDownCounter``."""
        return self._metric.cell_for(attributes) or NOOP_BOUND


class LocalGauge(_LocalInstrument[GaugeCell]):
    __slots__ = ()

    def set(self, value: float, attributes: Attributes | None = None) -> None:
        key = tuple(attributes.items()) if attributes else ()
        cell = self._lookup.get(key) or self._metric.cell_for(attributes)  # a miss: guard, then find or create
        if cell is not None:
            cell.set(value)

    def bind(self, attributes: Attributes) -> BoundGauge:
        return self._metric.cell_for(attributes) or NOOP_BOUND
