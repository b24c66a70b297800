"""Synchronous instruments over local aggregation: a record finds its cell and updates it in place.

``bind`` returns the cell's bound instrument (for a histogram or counter its pending values, whose
``record`` or ``add`` appends: no Python code runs on a bound histogram record). A record without
attributes finds the metric's attribute-less cell kept on the instrument; one with attributes costs a
tuple of the attribute items and one dictionary lookup more.
"""

from __future__ import annotations

from typing import Generic

from aztec.telemetry.api import BoundCounter, BoundGauge, BoundHistogram
from aztec.telemetry.definitions import Attributes, AttributeValue, MetricDefinition
from aztec.telemetry.noop import NOOP_BOUND
from aztec.telemetry.otel.cells import GaugeCell, HistogramCell, SumCell
from aztec.telemetry.otel.local_series import C, LocalMetric


class _LocalInstrument(Generic[C]):
    __slots__ = ("_lookup", "_metric", "_plain")

    def __init__(self, metric: LocalMetric[C]) -> None:
        self._metric: LocalMetric[C] = metric
        self._lookup: dict[tuple[tuple[str, AttributeValue], ...], C] = metric.lookup
        self._plain: C | None = None
        """The cell of the empty attribute set, once recorded to (the guard never drops it)."""

    @property
    def definition(self) -> MetricDefinition:
        return self._metric.definition

    def _first_plain(self) -> C | None:
        self._plain = self._metric.cell_for(None)
        return self._plain


class LocalHistogram(_LocalInstrument[HistogramCell]):
    __slots__ = ()

    def record(self, value: float, attributes: Attributes | None = None) -> None:
        if attributes:  # a lookup; a miss: guard, then find or create
            cell = self._lookup.get(tuple(attributes.items())) or self._metric.cell_for(attributes)
        else:
            cell = self._plain or self._first_plain()
        if cell is not None:
            cell.record(value)

    def bind(self, attributes: Attributes) -> BoundHistogram:
        cell = self._metric.cell_for(attributes)
        return NOOP_BOUND if cell is None else cell.bound()


class LocalCounter(_LocalInstrument[SumCell]):
    """A counter or an up-down counter: the cell knows whether negative increments are refused."""

    __slots__ = ()

    def add(self, value: int = 1, attributes: Attributes | None = None) -> None:
        if attributes:  # a lookup; a miss: guard, then find or create
            cell = self._lookup.get(tuple(attributes.items())) or self._metric.cell_for(attributes)
        else:
            cell = self._plain or self._first_plain()
        if cell is not None:
            cell.add(value)

    def bind(self, attributes: Attributes) -> BoundCounter:
        """The cell's pending increments; they also satisfy ``BoundUpDownCounter``."""
        cell = self._metric.cell_for(attributes)
        return NOOP_BOUND if cell is None else cell.bound()


class LocalGauge(_LocalInstrument[GaugeCell]):
    __slots__ = ()

    def set(self, value: float, attributes: Attributes | None = None) -> None:
        if attributes:  # a lookup; a miss: guard, then find or create
            cell = self._lookup.get(tuple(attributes.items())) or self._metric.cell_for(attributes)
        else:
            cell = self._plain or self._first_plain()
        if cell is not None:
            cell.set(value)

    def bind(self, attributes: Attributes) -> BoundGauge:
        return self._metric.cell_for(attributes) or NOOP_BOUND
