"""The telemetry API that call sites use: protocols only, no OpenTelemetry types.

Components receive a :class:`TelemetryClient` in their constructor, ask it for a :class:`Meter` named
after the class being instrumented, and create instruments from registry definitions. Whether the
client is the no-op one or OpenTelemetry-backed is invisible to them, so the recording path can change
without touching a call site.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from aztec.telemetry.definitions import AttributeKey, Attributes, AttributeValue, MetricDefinition


class BoundHistogram(Protocol):
    def record(self, value: float) -> None: ...


class Histogram(Protocol):
    @property
    def definition(self) -> MetricDefinition: ...
    def record(self, value: float, attributes: Attributes | None = None) -> None: ...
    def bind(self, attributes: Attributes) -> BoundHistogram:
        """Fix the attributes once, for hot paths; the returned object records with them."""
        ...


class BoundCounter(Protocol):
    def add(self, value: int = 1) -> None: ...


class Counter(Protocol):
    @property
    def definition(self) -> MetricDefinition: ...
    def add(self, value: int = 1, attributes: Attributes | None = None) -> None: ...
    def bind(self, attributes: Attributes) -> BoundCounter: ...


class BoundUpDownCounter(Protocol):
    def add(self, value: int) -> None: ...


class UpDownCounter(Protocol):
    @property
    def definition(self) -> MetricDefinition: ...
    def add(self, value: int, attributes: Attributes | None = None) -> None: ...
    def bind(self, attributes: Attributes) -> BoundUpDownCounter: ...


class BoundGauge(Protocol):
    def set(self, value: float) -> None: ...


class Gauge(Protocol):
    @property
    def definition(self) -> MetricDefinition: ...
    def set(self, value: float, attributes: Attributes | None = None) -> None: ...
    def bind(self, attributes: Attributes) -> BoundGauge: ...


class ObservableInstrument(Protocol):
    """An asynchronous instrument: its values come from callbacks at collection time."""

    @property
    def definition(self) -> MetricDefinition: ...


class ObservableResult(Protocol):
    def observe(self, value: float, attributes: Attributes | None = None) -> None: ...


class BatchObservableResult(Protocol):
    def observe(self, instrument: ObservableInstrument, value: float, attributes: Attributes | None = None) -> None: ...


ObservableCallback = Callable[[ObservableResult], None]
BatchObservableCallback = Callable[[BatchObservableResult], None]


class Meter(Protocol):
    """Creates instruments from registry definitions; named after the class it instruments."""

    @property
    def name(self) -> str: ...
    def create_histogram(self, definition: MetricDefinition) -> Histogram: ...
    def create_counter(self, definition: MetricDefinition) -> Counter: ...
    def create_up_down_counter(self, definition: MetricDefinition) -> UpDownCounter: ...
    def create_gauge(self, definition: MetricDefinition) -> Gauge: ...
    def create_observable_gauge(
        self, definition: MetricDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument: ...
    def create_observable_counter(
        self, definition: MetricDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument: ...
    def create_observable_up_down_counter(
        self, definition: MetricDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument: ...
    def add_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None:
        """Run ``callback`` once per collection to observe several instruments together."""
        ...

    def remove_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None: ...


class Span(Protocol):
    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None: ...
    def record_exception(self, error: BaseException) -> None: ...


class Tracer(Protocol):
    def start_span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]: ...


class TelemetryClient(Protocol):
    """The spec's ``TelemetryClient``: one per service, passed to every component's constructor."""

    def is_enabled(self) -> bool: ...
    def get_meter(self, name: str) -> Meter: ...
    def get_tracer(self, name: str) -> Tracer: ...
    def flush(self, timeout_s: float | None = None) -> bool:
        """Collect and export everything recorded so far; False if an exporter did not finish."""
        ...

    def stop(self) -> None:
        """Flush, then release exporters and listeners. Safe to call more than once."""
        ...
