"""The no-op telemetry client: what the node runs on when no exporter is configured."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING

from aztec.telemetry.api import (
    BatchObservableCallback,
    BoundCounter,
    BoundGauge,
    BoundHistogram,
    BoundUpDownCounter,
    Carrier,
    Counter,
    Gauge,
    Histogram,
    Meter,
    ObservableCallback,
    ObservableInstrument,
    Span,
    SpanKind,
    SpanScope,
    Tracer,
    UpDownCounter,
)
from aztec.telemetry.definitions import (
    AttributeKey,
    Attributes,
    AttributeValue,
    CounterDefinition,
    GaugeDefinition,
    HistogramDefinition,
    InstrumentKind,
    MetricDefinition,
    ObservableCounterDefinition,
    ObservableGaugeDefinition,
    ObservableUpDownCounterDefinition,
    UpDownCounterDefinition,
    require_kind,
)
from aztec.telemetry.span_context import SpanRef
from aztec.telemetry.trace_settings import ChildProcessTracing

if TYPE_CHECKING:  # the health module imports aiohttp: a light command must not
    from aztec.foundation.http.health import Readiness


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

    def create_histogram(self, definition: HistogramDefinition) -> Histogram:
        require_kind(definition, InstrumentKind.HISTOGRAM)
        return NoopHistogram(definition)

    def create_counter(self, definition: CounterDefinition) -> Counter:
        require_kind(definition, InstrumentKind.COUNTER)
        return NoopCounter(definition)

    def create_up_down_counter(self, definition: UpDownCounterDefinition) -> UpDownCounter:
        require_kind(definition, InstrumentKind.UP_DOWN_COUNTER)
        return _NoopUpDownCounter(definition)

    def create_gauge(self, definition: GaugeDefinition) -> Gauge:
        require_kind(definition, InstrumentKind.GAUGE)
        return NoopGauge(definition)

    def create_observable_gauge(
        self, definition: ObservableGaugeDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        require_kind(definition, InstrumentKind.OBSERVABLE_GAUGE)
        return NoopObservable(definition)

    def create_observable_counter(
        self, definition: ObservableCounterDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        require_kind(definition, InstrumentKind.OBSERVABLE_COUNTER)
        return NoopObservable(definition)

    def create_observable_up_down_counter(
        self, definition: ObservableUpDownCounterDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument:
        require_kind(definition, InstrumentKind.OBSERVABLE_UP_DOWN_COUNTER)
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


class NoopSpan:
    """A span that records nothing (traces off); the tracer's unsampled spans are ones too."""

    __slots__ = ()

    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None:
        pass

    def set_attributes(self, attributes: Attributes) -> None:
        pass

    def add_links(self, refs: Iterable[SpanRef]) -> None:
        pass

    def record_exception(self, error: BaseException) -> None:
        pass

    @property
    def ref(self) -> SpanRef | None:
        return None


NOOP_SPAN = NoopSpan()
_NOOP_SPAN = NOOP_SPAN


class _NoopScope:
    """One object serves every no-op span: entering it costs a method call."""

    __slots__ = ()

    def __enter__(self) -> Span:
        return _NOOP_SPAN

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def __aenter__(self) -> Span:
        return _NOOP_SPAN

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass


NOOP_SCOPE = _NoopScope()


class NoopTracer:
    __slots__ = ()

    @property
    def enabled(self) -> bool:
        return False

    def span(
        self,
        name: str,
        attributes: Attributes | None = None,
        *,
        kind: SpanKind = "internal",
        links: Sequence[SpanRef | None] = (),
        parent: Carrier | None = None,
    ) -> SpanScope:
        return NOOP_SCOPE

    def start_span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]:
        return NOOP_SCOPE

    def inject(self) -> Carrier:
        return {}

    def child_process_settings(self) -> ChildProcessTracing | None:
        return None


NOOP_TRACER = NoopTracer()


class NoopTelemetryClient:
    """Records nothing, needs nothing, costs a method call per record."""

    def is_enabled(self) -> bool:
        return False

    def get_meter(self, name: str) -> Meter:
        return NoopMeter(name)

    def get_tracer(self, name: str) -> Tracer:
        return NOOP_TRACER

    def flush(self, timeout_s: float | None = None) -> bool:
        return True

    def stop(self) -> None:
        pass

    def set_readiness(self, readiness: Readiness | None) -> None:
        pass  # no scrape endpoint to answer /readyz
