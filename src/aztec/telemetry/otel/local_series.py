"""One metric's series under local aggregation: attribute sets mapped to cells, guarded and capped.

The first record with an attribute set pays for the guard (banned and, in strict mode, undeclared
attributes) and for finding the series; later records with the same mapping find the cell with one
dictionary lookup. A metric holds at most :data:`CARDINALITY_LIMIT` series; past that, records go to
one overflow series marked ``otel.metric.overflow=true``, as the OpenTelemetry specification says,
and the operator is warned once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from aztec.telemetry.definitions import Attributes, AttributeValue, InstrumentKind, MetricDefinition
from aztec.telemetry.otel.cells import GaugeCell, HistogramCell, SumCell
from aztec.telemetry.otel.guard import AttributeGuard

_log = logging.getLogger("aztec.telemetry")

CARDINALITY_LIMIT = 2000
"""Series per metric before records go to the overflow series (the SDK specification's default)."""

OVERFLOW_ATTRIBUTES: dict[str, AttributeValue] = {"otel.metric.overflow": True}


C = TypeVar("C", HistogramCell, SumCell, GaugeCell)


class CardinalityLimitError(ValueError):
    """Strict mode: a metric grew past :data:`CARDINALITY_LIMIT` series."""


@dataclass(frozen=True, slots=True, eq=False)
class Series(Generic[C]):
    """One attribute set of one metric: its cell and when it was first recorded (hashed by identity)."""

    attributes: dict[str, AttributeValue]
    cell: C
    start_time_ns: int


class LocalMetric(Generic[C]):
    """Every series of one metric in one scope (meter), shared by every instrument created for it."""

    def __init__(
        self,
        scope: str,
        definition: MetricDefinition,
        new_cell: Callable[[], C],
        guard: AttributeGuard,
        limit: int = CARDINALITY_LIMIT,
    ) -> None:
        self.scope = scope
        self.definition = definition
        self.kind: InstrumentKind = definition.kind
        self._new_cell: Callable[[], C] = new_cell
        self._guard = guard
        self._limit = limit
        self._lock = threading.Lock()
        self._series: dict[tuple[tuple[str, AttributeValue], ...], Series[C]] = {}
        """Series by their attribute items sorted by name (a tuple: a third of a frozenset's memory)."""
        self.lookup: dict[tuple[tuple[str, AttributeValue], ...], C] = {}
        """Attribute items as the call site passed them, to their cell: the hot path's only lookup."""

    def series(self) -> list[Series[C]]:
        with self._lock:
            return list(self._series.values())

    def cell_for(self, attributes: Attributes | None) -> C | None:
        """The cell for these attributes, created on first use; None if the guard drops the record."""
        if attributes and not self._guard.admits(self.definition, attributes):
            return None
        items = tuple(attributes.items()) if attributes else ()
        canonical = tuple(sorted((str(key), value) for key, value in items))
        with self._lock:
            found = self._series.get(canonical)
            if found is None:
                if len(self._series) >= self._limit:
                    return self._overflow()
                found = Series(dict(canonical), self._new_cell(), time.time_ns())
                self._series[canonical] = found
            self.lookup[items] = found.cell
            return found.cell

    def _overflow(self) -> C:
        key = tuple(sorted(OVERFLOW_ATTRIBUTES.items()))
        found = self._series.get(key)
        if found is None:
            if self._guard.strict:
                raise CardinalityLimitError(f"{self.definition.name}: more than {self._limit} attribute sets")
            _log.warning(
                "%s: more than %d attribute sets; further ones are recorded as otel.metric.overflow=true",
                self.definition.name,
                self._limit,
            )
            found = Series(dict(OVERFLOW_ATTRIBUTES), self._new_cell(), time.time_ns())
            self._series[key] = found
        return found.cell
