"""The no-op telemetry client: what the node runs on when no exporter is configured."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from aztec.telemetry.api import (
    BatchObservableCallback,
    BoundCounter,
    BoundGauge,
    BoundHistogram,
    BoundUpDownCounter,
    Counter,
    Gauge,
    Histogram,
    Meter,
    ObservableCallback,
    ObservableInstrument,
    Span,
    Tracer,
    UpDownCounter,
)
from aztec.telemetry.definitions import AttributeKey, Attributes, AttributeValue, MetricDefinition


class NoopHistogram:
    __slots__ = ("definition",)

    def __init__(self, definition: MetricDefinition) -> None:
        self.definition = definition

    def record(self, value: float, attributes: Attributes | None = None) -> None:
        pass

    def bind(self, attributes: Attributes) -> BoundHistogram:
        return NOOP_BOUND


class NoopCounter:
    __slots__ = ("definition",)

    def __init__(self, definition: MetricDefinition) -> None:
        self.definition = definition

    def add(self, value: int = 1, attributes: Attributes | None = None) -> None:
        pass

    def bind(self, attributes: Attributes) -> BoundCounter:
        return NOOP_BOUND


class NoopGauge:
    __slots__ = ("definition",)

    def __init__(self, definition: MetricDefinition) -> None:
        self.definition = definition

    def set(self, value: float, attributes: Attributes | None = None) -> None:
        pass

    def bind(self, attributes: Attributes) -> BoundGauge:
        return NOOP_BOUND


class NoopObservable:
    __slots__ = ("definition",)

    def __init__(self, definition: MetricDefinition) -> None:
        self.definition = definition


class _NoopBound:
    """One object serves every bound instrument kind."""

    __slots__ = ()

    def record(self, value: float) -> None:
        pass

    def add(self, value: int = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass


NOOP_BOUND = _NoopBound()


class NoopMeter:
    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def create_histogram(self, definition: MetricDefinition) -> Histogram:
        return NoopHistogram(definition)

    def create_counter(self, definition: MetricDefinition) -> Counter:
        return NoopCounter(definition)

    def create_up_down_counter(self, definition: MetricDefinition) -> UpDownCounter:
        return _NoopUpDownCounter(definition)

    def create_gauge(self, definition: MetricDefinition) -> Gauge:
        return NoopGauge(definition)

    def create_observable_gauge(
        self, definition: MetricDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        return NoopObservable(definition)

    def create_observable_counter(
        self, definition: MetricDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        return NoopObservable(definition)

    def create_observable_up_down_counter(
        self, definition: MetricDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        return NoopObservable(definition)

    def add_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None:
        pass

    def remove_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None:
        pass


class _NoopUpDownCounter:
    __slots__ = ("definition",)

    def __init__(self, definition: MetricDefinition) -> None:
        self.definition = definition

    def add(self, value: int, attributes: Attributes | None = None) -> None:
        pass

    def bind(self, attributes: Attributes) -> BoundUpDownCounter:
        return NOOP_BOUND


class _NoopSpan:
    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None:
        pass

    def record_exception(self, error: BaseException) -> None:
        pass


_NOOP_SPAN = _NoopSpan()


class NoopTracer:
    def start_span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]:
        return _noop_span()


@contextmanager
def _noop_span() -> Iterator[Span]:
    yield _NOOP_SPAN


class NoopTelemetryClient:
    """Records nothing, needs nothing, costs a method call per record."""

    def is_enabled(self) -> bool:
        return False

    def get_meter(self, name: str) -> Meter:
        return NoopMeter(name)

    def get_tracer(self, name: str) -> Tracer:
        return NoopTracer()

    def flush(self, timeout_s: float | None = None) -> bool:
        return True

    def stop(self) -> None:
        pass
