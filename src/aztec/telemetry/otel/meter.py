"""A meter over an OpenTelemetry SDK meter: creates guarded instruments from registry definitions."""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.metrics import Meter as OtelSdkMeter

from aztec.telemetry.api import (
    BatchObservableCallback,
    Counter,
    Gauge,
    Histogram,
    ObservableCallback,
    ObservableInstrument,
    UpDownCounter,
)
from aztec.telemetry.buckets import boundaries_for
from aztec.telemetry.definitions import (
    CounterDefinition,
    GaugeDefinition,
    HistogramDefinition,
    InstrumentKind,
    InstrumentKindError,
    MetricDefinition,
    ObservableCounterDefinition,
    ObservableGaugeDefinition,
    ObservableUpDownCounterDefinition,
    UpDownCounterDefinition,
    require_kind,
)
from aztec.telemetry.filtering import MetricFilter
from aztec.telemetry.noop import NoopCounter, NoopGauge, NoopHistogram, NoopMeter, NoopObservable
from aztec.telemetry.otel.guard import AttributeGuard
from aztec.telemetry.otel.instruments import OtelCounter, OtelGauge, OtelHistogram, OtelUpDownCounter
from aztec.telemetry.otel.local_aggregation import LocalAggregation
from aztec.telemetry.otel.local_observables import LocalObservables
from aztec.telemetry.otel.observable import BatchRegistration, OtelObservable

__all__ = ["InstrumentKindError", "OtelMeter"]


class OtelMeter:
    def __init__(
        self,
        name: str,
        meter: OtelSdkMeter,
        metric_filter: MetricFilter,
        guard: AttributeGuard,
        observables: dict[tuple[str, str], OtelObservable],
        local: LocalAggregation | None = None,
        local_observables: LocalObservables | None = None,
    ) -> None:
        """``observables`` is shared by every meter of one client (see :meth:`_observable`).

        With ``local``, synchronous instruments aggregate locally; without, through the SDK. With
        ``local_observables``, observable instruments are collected there; without, by the SDK.
        """
        self._name = name
        self._local = local
        self._local_observables = local_observables
        self._meter = meter
        self._observables = observables
        self._filter = metric_filter
        self._guard = guard
        self._noop = NoopMeter(name)

    @property
    def name(self) -> str:
        return self._name

    def create_histogram(self, definition: HistogramDefinition) -> Histogram:
        require_kind(definition, InstrumentKind.HISTOGRAM)
        if not self._filter.allows(definition.name):
            return NoopHistogram(definition)
        if self._local is not None:
            return self._local.histogram(self._name, definition)
        inner = self._meter.create_histogram(
            definition.name,
            unit=definition.unit,
            description=definition.description,
            explicit_bucket_boundaries_advisory=list(boundaries_for(definition)),
        )
        return OtelHistogram(definition, inner.record, self._guard)

    def create_counter(self, definition: CounterDefinition) -> Counter:
        require_kind(definition, InstrumentKind.COUNTER)
        if not self._filter.allows(definition.name):
            return NoopCounter(definition)
        if self._local is not None:
            return self._local.counter(self._name, definition)
        inner = self._meter.create_counter(definition.name, definition.unit, definition.description)
        return OtelCounter(definition, inner.add, self._guard)

    def create_up_down_counter(self, definition: UpDownCounterDefinition) -> UpDownCounter:
        require_kind(definition, InstrumentKind.UP_DOWN_COUNTER)
        if not self._filter.allows(definition.name):
            return self._noop.create_up_down_counter(definition)
        if self._local is not None:
            return self._local.counter(self._name, definition)
        inner = self._meter.create_up_down_counter(definition.name, definition.unit, definition.description)
        return OtelUpDownCounter(definition, inner.add, self._guard)

    def create_gauge(self, definition: GaugeDefinition) -> Gauge:
        require_kind(definition, InstrumentKind.GAUGE)
        if not self._filter.allows(definition.name):
            return NoopGauge(definition)
        if self._local is not None:
            return self._local.gauge(self._name, definition)
        inner = self._meter.create_gauge(definition.name, definition.unit, definition.description)
        return OtelGauge(definition, inner.set, self._guard)

    def create_observable_gauge(
        self, definition: ObservableGaugeDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        return self._observable(definition, InstrumentKind.OBSERVABLE_GAUGE, callback)

    def create_observable_counter(
        self, definition: ObservableCounterDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        return self._observable(definition, InstrumentKind.OBSERVABLE_COUNTER, callback)

    def create_observable_up_down_counter(
        self, definition: ObservableUpDownCounterDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        return self._observable(definition, InstrumentKind.OBSERVABLE_UP_DOWN_COUNTER, callback)

    def _observable(
        self, definition: MetricDefinition, kind: InstrumentKind, callback: ObservableCallback | None
    ) -> ObservableInstrument:
        require_kind(definition, kind)
        if not self._filter.allows(definition.name):
            return NoopObservable(definition)
        # The SDK hands back the first instrument for a repeated name on one meter and drops the new
        # callbacks; two components observing the same metric (two publishers, say) share one instead.
        key = (self._name, definition.name)
        existing = self._observables.get(key)
        if existing is not None:
            if callback is not None:
                existing.add_callback(callback)
            return existing
        instrument = OtelObservable(definition, self._guard)
        self._observables[key] = instrument
        if callback is not None:
            instrument.add_callback(callback)
        if self._local_observables is not None:
            self._local_observables.add(
                self._name,
                definition.name,
                definition.unit,
                definition.description,
                kind,
                [instrument.otel_callback],
            )
            return instrument
        create = {
            InstrumentKind.OBSERVABLE_GAUGE: self._meter.create_observable_gauge,
            InstrumentKind.OBSERVABLE_COUNTER: self._meter.create_observable_counter,
            InstrumentKind.OBSERVABLE_UP_DOWN_COUNTER: self._meter.create_observable_up_down_counter,
        }[kind]
        create(definition.name, [instrument.otel_callback], definition.unit, definition.description)
        return instrument

    def add_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None:
        live = [i for i in instruments if isinstance(i, OtelObservable)]
        registration = BatchRegistration(callback, live, self._guard)
        for instrument in live:
            instrument.batches.append(registration)

    def remove_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None:
        for instrument in instruments:
            if isinstance(instrument, OtelObservable):
                instrument.batches = [b for b in instrument.batches if b.callback is not callback]
