"""Spans over an OpenTelemetry SDK tracer owned by the client (exported only when configured).

The current span lives in :data:`aztec.telemetry.span_context.ACTIVE_SPAN`, which the metric cells and
the log filter read (one ``ContextVar.get`` instead of OpenTelemetry's context API). A sampled span is
also made OpenTelemetry's current context while it runs when the SDK aggregates the metrics (local
aggregation off), so that the SDK's own trace-based exemplar filter sees it; no global provider is ever
set.

Unsampled spans skip the SDK under a parent-based sampler, where the decision is known before a span
starts: a child of an unsampled span is the parent again (nothing is started or made current), and
with ``parentbased_traceidratio`` (the default) or ``parentbased_always_off`` the tracer draws a root's
trace id and decides it as the SDK's sampler would; an unsampled root only becomes current (with fresh
ids, so that logs and carriers name it), and a sampled one is started by the SDK on that trace id.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from contextvars import Token
from types import TracebackType
from typing import Final

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from aztec.telemetry.api import Carrier, Span, SpanKind, SpanScope
from aztec.telemetry.definitions import AttributeKey, Attributes, AttributeValue
from aztec.telemetry.noop import NoopSpan
from aztec.telemetry.otel.cells import record_exemplars
from aztec.telemetry.otel.sampling import PresetIdGenerator
from aztec.telemetry.span_context import ACTIVE_SPAN, SAMPLED_SPANS_OPEN, ActiveSpan, SpanRef
from aztec.telemetry.trace_settings import ChildProcessTracing

PROPAGATOR: Final = TraceContextTextMapPropagator()
_KINDS: Final = {
    "internal": trace.SpanKind.INTERNAL,
    "server": trace.SpanKind.SERVER,
    "client": trace.SpanKind.CLIENT,
    "producer": trace.SpanKind.PRODUCER,
    "consumer": trace.SpanKind.CONSUMER,
}
_SAMPLED: Final = trace.TraceFlags(trace.TraceFlags.SAMPLED)
_NOT_SAMPLED: Final = trace.TraceFlags(trace.TraceFlags.DEFAULT)
_LOW_64_BITS: Final = (1 << 64) - 1
_active_span = ACTIVE_SPAN.get
_random_bits = random.getrandbits
_sampled_open_lock = threading.Lock()


def otel_span(active: ActiveSpan) -> trace.Span:
    """The SDK span of the current span, to build an OpenTelemetry context from (an unsampled root has
    none: a non-recording span with its ids stands in)."""
    if active.span is not None:
        span: trace.Span = active.span
        return span
    ref = active.ref
    flags = _SAMPLED if ref.sampled else _NOT_SAMPLED
    return trace.NonRecordingSpan(trace.SpanContext(ref.trace_id, ref.span_id, is_remote=False, trace_flags=flags))


def ref_of(span: trace.Span) -> SpanRef:
    context = span.get_span_context()
    return SpanRef(context.trace_id, context.span_id, context.trace_flags.sampled)


def _link(ref: SpanRef) -> trace.Link:
    flags = _SAMPLED if ref.sampled else _NOT_SAMPLED
    return trace.Link(trace.SpanContext(ref.trace_id, ref.span_id, is_remote=True, trace_flags=flags))


def _otel_attributes(attributes: Attributes | None) -> dict[str, AttributeValue]:
    return {str(k): v for k, v in attributes.items()} if attributes else {}


class _OtelSpan:
    __slots__ = ("_span", "ref")

    def __init__(self, span: trace.Span, ref: SpanRef) -> None:
        self._span = span
        self.ref: SpanRef | None = ref

    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None:
        self._span.set_attribute(str(key), value)

    def set_attributes(self, attributes: Attributes) -> None:
        self._span.set_attributes(_otel_attributes(attributes))

    def add_links(self, refs: Iterable[SpanRef]) -> None:
        for ref in refs:
            link = _link(ref)
            self._span.add_link(link.context)

    def record_exception(self, error: BaseException) -> None:
        self._span.record_exception(error)
        self._span.set_status(trace.Status(trace.StatusCode.ERROR, f"{type(error).__name__}: {error}"))


class _Unsampled(NoopSpan):
    """A span that is not sampled, as its scope too: the child of an unsampled span under a parent-based
    sampler. It would not be sampled either, so the SDK is not asked (about 0.2 us instead of 4 us): the
    parent stays current and is propagated, and this span's ref is the parent's."""

    __slots__ = ("ref",)

    def __init__(self, ref: SpanRef) -> None:
        self.ref: SpanRef | None = ref

    def __enter__(self) -> Span:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def __aenter__(self) -> Span:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass


class _UnsampledRoot(_Unsampled):
    """A root span the tracer decided not to sample: current while it runs, with its own ids (for logs and
    carriers: a carrier tells the next service it is unsampled), and no SDK span. Its children, unsampled
    under the parent-based sampler, skip the SDK too."""

    __slots__ = ("_token",)

    def __init__(self, ref: SpanRef) -> None:
        super().__init__(ref)
        self._token: Token[ActiveSpan | None] | None = None

    def __enter__(self) -> Span:
        ref = self.ref
        assert ref is not None
        # The SDK's span is built if asked (otel_span); the children's scope once, here.
        self._token = ACTIVE_SPAN.set(ActiveSpan(ref, None, _Unsampled(ref)))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._token is not None:
            ACTIVE_SPAN.reset(self._token)
            self._token = None

    async def __aenter__(self) -> Span:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class _OtelScope:
    """Starts the span on entry (making it current), ends it on exit, recording an escaping error."""

    __slots__ = (
        "_attributes",
        "_kind",
        "_links",
        "_name",
        "_otel_token",
        "_parent",
        "_parent_based",
        "_root_trace_id",
        "_sdk_context",
        "_span",
        "_token",
        "_tracer",
    )

    def __init__(
        self,
        tracer: trace.Tracer,
        name: str,
        attributes: Attributes | None,
        kind: SpanKind,
        links: Sequence[SpanRef | None],
        parent: Carrier | None,
        parent_based: bool,
        root_trace_id: tuple[PresetIdGenerator, int] | None = None,
        sdk_context: bool = True,
    ) -> None:
        """``root_trace_id``: a root the tracer decided to sample, on this trace id (given to the SDK's ids);
        ``sdk_context``: make the span OpenTelemetry's current context too (for the SDK's exemplar filter)."""
        self._sdk_context = sdk_context
        self._parent_based = parent_based
        self._root_trace_id = root_trace_id
        self._tracer = tracer
        self._name = name
        self._attributes = attributes
        self._kind = kind
        self._links = links
        self._parent = parent
        self._span: _OtelSpan | None = None
        self._token: Token[ActiveSpan | None] | None = None
        self._otel_token: object = None

    def __enter__(self) -> Span:
        if self._parent is not None:
            context = PROPAGATOR.extract(self._parent, context=Context())
        else:
            active = ACTIVE_SPAN.get()
            if active is not None and self._parent_based and not active.ref.sampled:
                return _Unsampled(active.ref)
            context = Context() if active is None else trace.set_span_in_context(otel_span(active), Context())
        if self._root_trace_id is not None:
            ids, trace_id = self._root_trace_id
            ids.preset_trace_id(trace_id)
        span = self._tracer.start_span(
            self._name,
            context=context,
            kind=_KINDS[self._kind],
            attributes=_otel_attributes(self._attributes),
            links=[_link(ref) for ref in self._links if ref is not None],
            record_exception=False,
            set_status_on_exception=False,
        )
        ref = ref_of(span)
        self._token = ACTIVE_SPAN.set(ActiveSpan(ref, span))
        if ref.sampled:
            with _sampled_open_lock:
                SAMPLED_SPANS_OPEN[0] += 1
                if SAMPLED_SPANS_OPEN[0] == 1:
                    record_exemplars(True)
        if self._sdk_context:  # for the SDK's trace-based exemplar filter (local aggregation off)
            self._otel_token = otel_context.attach(trace.set_span_in_context(span, Context()))
        self._span = _OtelSpan(span, ref)
        return self._span

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        span, token = self._span, self._token
        if span is None or token is None:
            return
        if exc is not None:
            span.record_exception(exc)
        span._span.end()
        if self._otel_token is not None:
            otel_context.detach(self._otel_token)  # type: ignore[arg-type]
        ACTIVE_SPAN.reset(token)
        if span.ref is not None and span.ref.sampled:
            with _sampled_open_lock:
                SAMPLED_SPANS_OPEN[0] -= 1
                if SAMPLED_SPANS_OPEN[0] == 0:
                    record_exemplars(False)

    async def __aenter__(self) -> Span:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class OtelTracer:
    def __init__(
        self,
        tracer: trace.Tracer,
        child_process: ChildProcessTracing | None = None,
        *,
        parent_based: bool = True,
        root_sampling: tuple[PresetIdGenerator, int] | None = None,
        sdk_context: bool = True,
    ) -> None:
        """``parent_based``: the sampler follows the parent's decision (children of unsampled spans are skipped).

        ``root_sampling``: the tracer provider's id generator and the bound under which a root's trace id
        is sampled (:func:`~aztec.telemetry.otel.sampling.unsampled_root_bound`): roots are decided here.
        ``sdk_context``: a sampled span is also OpenTelemetry's current context (the SDK aggregates metrics).
        """
        self._sdk_context = sdk_context
        self._tracer = tracer
        self._child_process = child_process
        self._parent_based = parent_based
        self._root_sampling = root_sampling

    @property
    def enabled(self) -> bool:
        return True

    def span(
        self,
        name: str,
        attributes: Attributes | None = None,
        *,
        kind: SpanKind = "internal",
        links: Sequence[SpanRef | None] = (),
        parent: Carrier | None = None,
    ) -> SpanScope:
        """The span's parent is the span current when this is called (``with``/``async with`` enter at once)."""
        if self._parent_based and not parent:
            active = None if parent is not None else _active_span()  # an empty carrier: a new root
            if active is None:
                if self._root_sampling is not None:
                    ids, bound = self._root_sampling
                    trace_id = _random_trace_id()
                    if trace_id & _LOW_64_BITS >= bound:
                        return _UnsampledRoot(SpanRef(trace_id, _random_span_id(), False))
                    return _OtelScope(
                        self._tracer,
                        name,
                        attributes,
                        kind,
                        links,
                        parent,
                        True,
                        root_trace_id=(ids, trace_id),
                        sdk_context=self._sdk_context,
                    )
            elif not active.ref.sampled:
                return active.unsampled_child or _Unsampled(active.ref)
        return _OtelScope(
            self._tracer, name, attributes, kind, links, parent, self._parent_based, sdk_context=self._sdk_context
        )

    def start_span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]:
        return self.span(name, attributes)

    def inject(self) -> Carrier:
        return inject_current()

    def child_process_settings(self) -> ChildProcessTracing | None:
        return self._child_process


def _random_trace_id() -> int:
    """As the SDK's ``RandomIdGenerator``: 128 random bits, never the invalid id 0."""
    trace_id = _random_bits(128)
    while not trace_id:
        trace_id = _random_bits(128)
    return trace_id


def _random_span_id() -> int:
    span_id = _random_bits(64)
    while not span_id:
        span_id = _random_bits(64)
    return span_id


def inject_current() -> Carrier:
    """The current span's W3C headers ({} outside a span)."""
    active = ACTIVE_SPAN.get()
    if active is None:
        return {}
    carrier: Carrier = {}
    PROPAGATOR.inject(carrier, context=trace.set_span_in_context(otel_span(active), Context()))
    return carrier
