"""Synchronous instruments over the OpenTelemetry SDK, guarded against unbounded attributes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aztec.telemetry.api import BoundCounter, BoundGauge, BoundHistogram, BoundUpDownCounter
from aztec.telemetry.definitions import Attributes, MetricDefinition
from aztec.telemetry.noop import NOOP_BOUND
from aztec.telemetry.otel.guard import AttributeGuard

_Record = Callable[..., None]


class _Bound:
    """Records with attributes fixed at bind time; one class serves every kind via its method names."""

    __slots__ = ("_attributes", "_record")

    def __init__(self, record: _Record, attributes: dict[str, Any]) -> None:
        self._record = record
        self._attributes = attributes

    def record(self, value: float) -> None:
        self._record(value, self._attributes)

    def add(self, value: int = 1) -> None:
        self._record(value, self._attributes)

    def set(self, value: float) -> None:
        self._record(value, self._attributes)


class _GuardedInstrument:
    __slots__ = ("_guard", "_record", "definition")

    def __init__(self, definition: MetricDefinition, record: _Record, guard: AttributeGuard) -> None:
        self.definition = definition
        self._record = record
        self._guard = guard

    def _emit(self, value: float, attributes: Attributes | None) -> None:
        if attributes is None:
            self._record(value)
        elif self._guard.admits(self.definition, attributes):
            self._record(value, attributes)

    def _bind(self, attributes: Attributes) -> _Bound | None:
        if not self._guard.admits(self.definition, attributes):
            return None
        return _Bound(self._record, {str(k): v for k, v in attributes.items()})


class OtelHistogram(_GuardedInstrument):
    __slots__ = ()

    def record(self, value: float, attributes: Attributes | None = None) -> None:
        self._emit(value, attributes)

    def bind(self, attributes: Attributes) -> BoundHistogram:
        return self._bind(attributes) or NOOP_BOUND


class OtelCounter(_GuardedInstrument):
    __slots__ = ()

    def add(self, value: int = 1, attributes: Attributes | None = None) -> None:
        self._emit(value, attributes)

    def bind(self, attributes: Attributes) -> BoundCounter:
        return self._bind(attributes) or NOOP_BOUND


class OtelUpDownCounter(_GuardedInstrument):
    __slots__ = ()

    def add(self, value: int, attributes: Attributes | None = None) -> None:
        self._emit(value, attributes)

    def bind(self, attributes: Attributes) -> BoundUpDownCounter:
        return self._bind(attributes) or NOOP_BOUND


class OtelGauge(_GuardedInstrument):
    __slots__ = ()

    def set(self, value: float, attributes: Attributes | None = None) -> None:
        self._emit(value, attributes)

    def bind(self, attributes: Attributes) -> BoundGauge:
        return self._bind(attributes) or NOOP_BOUND
