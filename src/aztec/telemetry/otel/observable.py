"""Asynchronous (observable) instruments, with batch callbacks that observe several instruments at once.

OpenTelemetry Python calls one callback per instrument. A batch callback is run when the first of its
instruments is collected; the others then take the observations it made for them, so the callback
runs once per collection however many instruments it feeds (and once per reader, as each collects).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

from opentelemetry.metrics import CallbackOptions, Observation

from aztec.telemetry.api import BatchObservableCallback, ObservableCallback, ObservableInstrument
from aztec.telemetry.definitions import Attributes, MetricDefinition, ValueType
from aztec.telemetry.otel.guard import AttributeGuard

_log = logging.getLogger(__name__)


def typed(definition: MetricDefinition, value: float) -> float:
    """The value as its definition's type: a double metric fed a Python int (a balance in wei, 10^21) must
    not reach OTLP as an int64, which it overflows and the whole export fails."""
    return float(value) if definition.value_type is ValueType.DOUBLE else value


class _Observations:
    """An ``ObservableResult`` that keeps what a callback observed for one instrument."""

    def __init__(self, definition: MetricDefinition, guard: AttributeGuard) -> None:
        self._definition = definition
        self._guard = guard
        self.items: list[Observation] = []

    def observe(self, value: float, attributes: Attributes | None = None) -> None:
        value = typed(self._definition, value)
        if attributes is None:
            self.items.append(Observation(value))
        elif self._guard.admits(self._definition, attributes):
            self.items.append(Observation(value, {str(k): v for k, v in attributes.items()}))


class OtelObservable:
    """An observable gauge or (up-down) counter fed by its own callbacks and by batch callbacks."""

    def __init__(self, definition: MetricDefinition, guard: AttributeGuard) -> None:
        self.definition = definition
        self._guard = guard
        self._callbacks: list[ObservableCallback] = []
        self.batches: list[BatchRegistration] = []

    def add_callback(self, callback: ObservableCallback) -> None:
        self._callbacks.append(callback)

    def otel_callback(self, options: CallbackOptions) -> Iterable[Observation]:
        result = _Observations(self.definition, self._guard)
        for callback in list(self._callbacks):
            try:
                callback(result)
            except Exception:
                if self._guard.strict:
                    raise
                _log.exception("observable callback for %s failed", self.definition.name)
        for batch in list(self.batches):
            result.items.extend(batch.observations_for(self))
        return result.items


class _BatchResult:
    def __init__(self, registration: BatchRegistration, guard: AttributeGuard) -> None:
        self._registration = registration
        self._guard = guard

    def observe(self, instrument: ObservableInstrument, value: float, attributes: Attributes | None = None) -> None:
        pending = self._registration.pending.get(id(instrument))
        if pending is None:
            if isinstance(instrument, OtelObservable):
                raise ValueError(f"{instrument.definition.name} is not part of this batch callback")
            return  # a filtered-out (no-op) instrument
        if isinstance(instrument, OtelObservable):
            value = typed(instrument.definition, value)
        if attributes is None:
            pending.append(Observation(value))
        elif self._guard.admits(instrument.definition, attributes):
            pending.append(Observation(value, {str(k): v for k, v in attributes.items()}))


class BatchRegistration:
    def __init__(
        self,
        callback: BatchObservableCallback,
        instruments: Sequence[OtelObservable],
        guard: AttributeGuard,
    ) -> None:
        self.callback = callback
        self.instruments = tuple(instruments)
        self._guard = guard
        self._lock = threading.Lock()
        self.pending: dict[int, list[Observation]] = {}

    def observations_for(self, instrument: OtelObservable) -> list[Observation]:
        with self._lock:
            if id(instrument) not in self.pending:
                self._run()
            return self.pending.pop(id(instrument), [])

    def _run(self) -> None:
        self.pending = {id(i): [] for i in self.instruments}
        try:
            self.callback(_BatchResult(self, self._guard))
        except Exception:
            if self._guard.strict:
                raise
            _log.exception("batch observable callback %r failed", self.callback)
