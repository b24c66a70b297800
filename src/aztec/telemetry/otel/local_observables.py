"""Observable instruments and host metrics collected without the SDK's measurement pipeline.

The SDK turns every observation into a measurement, cleans and hashes its attributes, and runs it
through a view and an aggregation per reader: about two thirds of a scrape's render went there, for
the 150 callbacks of the node's observable instruments and host metrics. Here a collection calls the
callbacks and keeps their observations as they are, per instrument and attribute set (a counter's
observations of one attribute set are added up and a gauge's last one wins, as in the SDK). The
scrape renderer reads them directly (:meth:`LocalObservables.observe`); push readers get standard
OpenTelemetry data (:meth:`LocalObservables.produce`), with an observable counter's cumulative value
turned into a delta for readers that ask for delta, as the SDK does.

OpenTelemetry's system-metrics instrumentation registers its instruments through the metrics API, on
the meter provider it is given: :meth:`LocalObservables.meter_provider` is an API meter provider that
hands their callbacks here (a synchronous instrument created on it is a no-op; that instrumentation
creates none).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.metrics import (
    CallbackOptions,
    CallbackT,
    MeterProvider,
    NoOpMeter,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
    Observation,
)
from opentelemetry.metrics import (
    Meter as ApiMeter,
)
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Gauge,
    Metric,
    MetricReader,
    NumberDataPoint,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.util.types import Attributes as ApiAttributes

from aztec.telemetry.definitions import InstrumentKind, MetricDefinition
from aztec.telemetry.otel.sdk_bridge import temporalities

_log = logging.getLogger("aztec.telemetry")

ApiCallback = Callable[[CallbackOptions], Iterable[Observation]]
"""An OpenTelemetry observable callback: it returns (or yields) its observations."""

CALLBACK_OPTIONS = CallbackOptions(timeout_millis=10_000)
"""What a callback is told: the SDK's default collection timeout."""

_DELTA = AggregationTemporality.DELTA
_CUMULATIVE = AggregationTemporality.CUMULATIVE

SeriesKey = frozenset[tuple[str, Any]]


def as_function(callback: CallbackT) -> ApiCallback:
    """An API callback as a function: a generator callback is primed and sent the options, as the SDK does."""
    if not isinstance(callback, Generator):
        return callback
    next(callback)

    def send(options: CallbackOptions) -> Iterable[Observation]:
        try:
            return callback.send(options)
        except StopIteration:
            return []

    return send


def _series_key(attributes: Mapping[str, Any]) -> SeriesKey:
    """An attribute set's identity; sequence values (unhashable lists) count by their items."""
    return frozenset((key, tuple(value) if isinstance(value, list) else value) for key, value in attributes.items())


@dataclass(slots=True)
class ObservedInstrument:
    """One observable instrument: what it is, and the callbacks that observe it."""

    scope: str
    name: str
    unit: str
    description: str
    kind: InstrumentKind
    definition: MetricDefinition | None
    """The registry's definition of ``name`` (its value type), None for a metric outside the registry."""
    callbacks: list[ApiCallback] = field(default_factory=list)
    failed: bool = False
    """A callback has raised (the operator was told once)."""


@dataclass(slots=True)
class ObservedPoint:
    """One attribute set's value in one collection, and when that attribute set was first observed."""

    attributes: Mapping[str, Any]
    value: float
    start_time_ns: int


@dataclass(slots=True)
class Observed:
    """An instrument and its points in one collection (attribute sets in the order first observed)."""

    instrument: ObservedInstrument
    points: list[ObservedPoint]


@dataclass
class _PushView:
    """One push reader's temporality, and the cumulative values it was last given (for deltas)."""

    temporality: dict[InstrumentKind, AggregationTemporality]
    last: dict[tuple[int, SeriesKey], tuple[float, int]] = field(default_factory=dict)
    """Per (instrument, attribute set): the value last observed and when it was collected."""


class LocalObservables:
    """Every observable instrument of one client, collected by calling its callbacks directly."""

    def __init__(self, definitions: Mapping[str, MetricDefinition]) -> None:
        """``definitions``: the registry by name (an instrument's value type is its name's, as for push readers)."""
        self._definitions = definitions
        self._lock = threading.Lock()
        self._instruments: list[ObservedInstrument] = []
        self._first_seen: dict[tuple[int, SeriesKey], int] = {}
        self._views: dict[object, _PushView] = {}

    def add(
        self,
        scope: str,
        name: str,
        unit: str,
        description: str,
        kind: InstrumentKind,
        callbacks: Sequence[ApiCallback] = (),
    ) -> ObservedInstrument:
        """Register an observable instrument (its callbacks run at every collection)."""
        instrument = ObservedInstrument(
            scope, name, unit, description, kind, self._definitions.get(name), list(callbacks)
        )
        with self._lock:
            self._instruments.append(instrument)
        return instrument

    def meter_provider(self, renames: Mapping[str, str] | None = None) -> MeterProvider:
        """An API meter provider whose observable instruments are collected here, ``renames`` applied."""
        return _CapturingMeterProvider(self, dict(renames or {}))

    # Collection.

    def observe(self) -> list[Observed]:
        """Run every callback once; each instrument with its points (instruments that observed nothing left out)."""
        now = time.time_ns()
        with self._lock:  # not held while the callbacks run: one may wait on a thread that creates instruments
            instruments = list(self._instruments)
        found: list[Observed] = []
        for instrument in instruments:
            points = self._observe(instrument, now)
            if points:
                found.append(Observed(instrument, points))
        return found

    def _observe(self, instrument: ObservedInstrument, now: int) -> list[ObservedPoint]:
        adds = instrument.kind is not InstrumentKind.OBSERVABLE_GAUGE
        by_key: dict[SeriesKey, ObservedPoint] = {}
        first_seen = self._first_seen
        for callback in instrument.callbacks:
            try:
                observations = list(callback(CALLBACK_OPTIONS))
            except Exception:
                if not instrument.failed:
                    instrument.failed = True
                    _log.exception("telemetry: the callback of observable %s failed", instrument.name)
                continue
            for observation in observations:
                attributes = observation.attributes or {}
                try:
                    key = _series_key(attributes)
                except TypeError:
                    continue  # an attribute value no exporter can write (the SDK drops it too)
                point = by_key.get(key)
                if point is None:
                    start = first_seen.setdefault((id(instrument), key), now)
                    by_key[key] = ObservedPoint(attributes, observation.value, start)
                elif adds:
                    point.value += observation.value
                else:
                    point.value = observation.value
        return list(by_key.values())

    def attach(self, reader: MetricReader) -> None:
        """Keep a view for push ``reader``, which will call :meth:`produce` at each of its collections."""
        with self._lock:
            self._views[reader] = _PushView(temporalities(reader))

    def produce(self, reader: MetricReader) -> list[ScopeMetrics]:
        """Observe every instrument and return the data for ``reader``, in its temporality, grouped by scope."""
        observed = self.observe()
        now = time.time_ns()
        view = self._views[reader]
        by_scope: dict[str, list[Metric]] = {}
        with self._lock:
            for item in observed:
                data = _data(view, item, now)
                instrument = item.instrument
                by_scope.setdefault(instrument.scope, []).append(
                    Metric(name=instrument.name, description=instrument.description, unit=instrument.unit, data=data)
                )
        return [
            ScopeMetrics(scope=InstrumentationScope(scope), metrics=metrics, schema_url="")
            for scope, metrics in by_scope.items()
        ]


def _data(view: _PushView, item: Observed, now: int) -> Sum | Gauge:
    instrument = item.instrument
    if instrument.kind is InstrumentKind.OBSERVABLE_GAUGE:
        return Gauge(data_points=[NumberDataPoint(p.attributes, None, now, p.value) for p in item.points])  # type: ignore[arg-type]
    temporality = view.temporality.get(instrument.kind, _CUMULATIVE)
    points = []
    for point in item.points:
        if temporality is _DELTA:  # the change since this reader's last collection, as the SDK reports it
            key = (id(instrument), _series_key(point.attributes))
            previous, since = view.last.get(key, (0, point.start_time_ns))
            view.last[key] = (point.value, now)
            points.append(NumberDataPoint(point.attributes, since, now, point.value - previous))
        else:
            points.append(NumberDataPoint(point.attributes, point.start_time_ns, now, point.value))
    return Sum(
        data_points=points,
        aggregation_temporality=temporality,
        is_monotonic=instrument.kind is InstrumentKind.OBSERVABLE_COUNTER,
    )


class _CapturingMeter(NoOpMeter):
    """An API meter whose observable instruments are collected by :class:`LocalObservables`."""

    def __init__(self, name: str, observables: LocalObservables, renames: Mapping[str, str]) -> None:
        super().__init__(name)
        self._observables = observables
        self._renames = renames

    def _capture(
        self, kind: InstrumentKind, name: str, callbacks: Sequence[CallbackT] | None, unit: str, description: str
    ) -> Sequence[CallbackT]:
        """Hand the callbacks over; the no-op instrument returned to the caller gets none."""
        functions = [as_function(callback) for callback in callbacks or ()]
        self._observables.add(self.name, self._renames.get(name, name), unit, description, kind, functions)
        return ()

    def create_observable_counter(
        self, name: str, callbacks: Sequence[CallbackT] | None = None, unit: str = "", description: str = ""
    ) -> ObservableCounter:
        return super().create_observable_counter(
            name,
            self._capture(InstrumentKind.OBSERVABLE_COUNTER, name, callbacks, unit, description),
            unit,
            description,
        )

    def create_observable_up_down_counter(
        self, name: str, callbacks: Sequence[CallbackT] | None = None, unit: str = "", description: str = ""
    ) -> ObservableUpDownCounter:
        return super().create_observable_up_down_counter(
            name,
            self._capture(InstrumentKind.OBSERVABLE_UP_DOWN_COUNTER, name, callbacks, unit, description),
            unit,
            description,
        )

    def create_observable_gauge(
        self, name: str, callbacks: Sequence[CallbackT] | None = None, unit: str = "", description: str = ""
    ) -> ObservableGauge:
        handed = self._capture(InstrumentKind.OBSERVABLE_GAUGE, name, callbacks, unit, description)
        return super().create_observable_gauge(name, handed, unit, description)


class _CapturingMeterProvider(MeterProvider):
    def __init__(self, observables: LocalObservables, renames: Mapping[str, str]) -> None:
        self._observables = observables
        self._renames = renames

    def get_meter(
        self,
        name: str,
        version: str | None = None,
        schema_url: str | None = None,
        attributes: ApiAttributes | None = None,
    ) -> ApiMeter:
        return _CapturingMeter(name, self._observables, self._renames)
