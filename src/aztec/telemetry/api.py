"""The telemetry API that call sites use: protocols only, no OpenTelemetry types.

Components receive a :class:`TelemetryClient` in their constructor, ask it for a :class:`Meter` named
after the class being instrumented, and create instruments from registry definitions. Whether the
client is the no-op one or OpenTelemetry-backed is invisible to them, so the recording path can change
without touching a call site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Protocol

from aztec.telemetry.definitions import (
    AttributeKey,
    Attributes,
    AttributeValue,
    CounterDefinition,
    GaugeDefinition,
    HistogramDefinition,
    MetricDefinition,
    ObservableCounterDefinition,
    ObservableGaugeDefinition,
    ObservableUpDownCounterDefinition,
    UpDownCounterDefinition,
)
from aztec.telemetry.span_context import SpanRef
from aztec.telemetry.trace_settings import ChildProcessTracing

if TYPE_CHECKING:  # the health module imports aiohttp: a light command must not
    from aztec.foundation.http.health import Readiness


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
    def create_histogram(self, definition: HistogramDefinition) -> Histogram: ...
    def create_counter(self, definition: CounterDefinition) -> Counter: ...
    def create_up_down_counter(self, definition: UpDownCounterDefinition) -> UpDownCounter: ...
    def create_gauge(self, definition: GaugeDefinition) -> Gauge: ...
    def create_observable_gauge(
        self, definition: ObservableGaugeDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument: ...
    def create_observable_counter(
        self, definition: ObservableCounterDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument: ...
    def create_observable_up_down_counter(
        self, definition: ObservableUpDownCounterDefinition, callback: ObservableCallback | None = None
    ) -> ObservableInstrument: ...
    def add_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None:
        """Run ``callback`` once per collection to observe several instruments together."""
        ...

    def remove_batch_observable_callback(
        self, callback: BatchObservableCallback, instruments: Sequence[ObservableInstrument]
    ) -> None: ...


SpanKind = Literal["internal", "server", "client", "producer", "consumer"]
Carrier = dict[str, str]
"""W3C trace context headers (``traceparent``, ``tracestate``): a context crossing a thread or a process."""


class Span(Protocol):
    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None: ...
    def set_attributes(self, attributes: Attributes) -> None: ...
    def add_links(self, refs: Iterable[SpanRef]) -> None:
        """Link this span to others known only once it runs (a block's span to the txs it included)."""
        ...

    def record_exception(self, error: BaseException) -> None:
        """Record the error on the span and mark it failed (a span left by an exception does it itself)."""
        ...

    @property
    def ref(self) -> SpanRef | None:
        """The span's identity, to link to it later; None with traces off."""
        ...


class SpanScope(Protocol):
    """A span's lifetime as a ``with`` or ``async with`` block; the span is current inside it."""

    def __enter__(self) -> Span: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def __aenter__(self) -> Span: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class Tracer(Protocol):
    """Creates spans; named after the class it traces. With traces off every span is a no-op."""

    @property
    def enabled(self) -> bool: ...
    def span(
        self,
        name: str,
        attributes: Attributes | None = None,
        *,
        kind: SpanKind = "internal",
        links: Sequence[SpanRef | None] = (),
        parent: Carrier | None = None,
    ) -> SpanScope:
        """A span, child of the current one, or of ``parent`` (a carrier from :meth:`inject`) when given.

        ``links`` point at other spans (a block's build span at its txs' spans); None entries are ignored.
        """
        ...

    def start_span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]:
        """The same as :meth:`span` without options."""
        ...

    def inject(self) -> Carrier:
        """The current span's context as W3C headers, to hand to another thread or process ({} if none)."""
        ...

    def child_process_settings(self) -> ChildProcessTracing | None:
        """What a worker process needs to export its own spans under this service, or None (traces off)."""
        ...


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

    def set_readiness(self, readiness: Readiness | None) -> None:
        """The checks the scrape endpoint's ``GET /readyz`` runs (None: ready with no checks).

        For a process with no other listener (a standalone prover, the bot); a no-op without an endpoint.
        """
        ...
