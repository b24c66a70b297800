"""The active span of this thread or task, in one ``ContextVar`` and free of OpenTelemetry types.

The OpenTelemetry-backed tracer sets it when a span starts and resets it when the span ends; metric
cells read it to attach exemplars and the log filter reads it to stamp ``trace_id``/``span_id`` on
records. A ``ContextVar`` follows ``asyncio`` tasks and ``asyncio.to_thread`` by itself; a process or a
thread started by hand gets the context through a W3C carrier (``Tracer.inject`` / ``parent=``).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Final, NamedTuple


class SpanRef(NamedTuple):
    """A span's identity: enough to link to it, to name it in a log line or an exemplar.

    Immutable; a NamedTuple rather than a frozen dataclass because every span builds one (about 0.15 us
    instead of 0.6 us)."""

    trace_id: int
    span_id: int
    sampled: bool

    @property
    def trace_id_hex(self) -> str:
        return f"{self.trace_id:032x}"

    @property
    def span_id_hex(self) -> str:
        return f"{self.span_id:016x}"


class ActiveSpan(NamedTuple):
    """What the context holds: the span's identity and the tracer's own span object (opaque here; None for
    a span the tracer never handed to its SDK, an unsampled root)."""

    ref: SpanRef
    span: Any
    unsampled_child: Any = None
    """For an unsampled span, the tracer's scope for its children (shared: a child of it does nothing)."""


ACTIVE_SPAN: Final[ContextVar[ActiveSpan | None]] = ContextVar("aztec_active_span", default=None)

SAMPLED_SPANS_OPEN: Final[list[int]] = [0]
"""How many sampled spans are open in this process, counted by the tracer under a lock: while none is, a
metric cell records no exemplar without reading :data:`ACTIVE_SPAN` (a list item read is cheaper)."""


def current_span_ref() -> SpanRef | None:
    """The identity of the span this code runs in, or None outside any (or with traces off)."""
    active = ACTIVE_SPAN.get()
    return None if active is None else active.ref
