"""Tracing inside a worker process: its own tracer provider, exporting its own spans.

A process pool's initializer calls :func:`init_worker_tracing` with the parent's
:class:`~aztec.telemetry.trace_settings.ChildProcessTracing`; each job then runs in
:func:`worker_span` under the carrier the parent injected, so the worker's span is a child of the
parent's job span in one trace. The worker's resource is the parent's with its own ``process.pid``.
A worker of a process pool ends without running ``atexit`` hooks, so the spans of a sampled job are
exported when the job ends (one OTLP request per sampled job), waiting at most :data:`FLUSH_WAIT_MS`. Once a
flush has not finished in that time (a collector down or black-holed), jobs stop waiting for their spans: the
batch processor still sends them on its schedule, and a proof is never held up by its telemetry.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from aztec.telemetry.api import Carrier, Span, Tracer
from aztec.telemetry.definitions import Attributes
from aztec.telemetry.noop import NOOP_SPAN
from aztec.telemetry.otel.sampling import build_sampler
from aztec.telemetry.otel.tracer import OtelTracer
from aztec.telemetry.trace_settings import ChildProcessTracing

_log = logging.getLogger("aztec.telemetry")
_state: tuple[TracerProvider, Tracer] | None = None
FLUSH_WAIT_MS = 200
_flushing = True
"""False once a flush did not finish in time: later jobs do not wait for their spans' export."""


def init_worker_tracing(settings: ChildProcessTracing | None) -> None:
    """Set up this process's tracer provider (nothing when ``settings`` is None: traces are off)."""
    global _state
    if settings is None or _state is not None:
        return
    resource = Resource({**settings.resource_attributes, "process.pid": os.getpid()})
    provider = TracerProvider(resource=resource, sampler=build_sampler(settings.sampler), shutdown_on_exit=True)
    exporter = OTLPSpanExporter(endpoint=settings.endpoint, timeout=settings.export_timeout_ms / 1000)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    parent_based = settings.sampler.name.startswith("parentbased")
    _state = (provider, OtelTracer(provider.get_tracer("NativeProverWorker"), parent_based=parent_based))


def _flush(provider: TracerProvider) -> None:
    try:
        provider.force_flush()
    except Exception as error:  # a collector down must not fail the proof
        _log.debug("telemetry: worker span flush failed: %s", error)


@contextmanager
def worker_span(name: str, attributes: Attributes, carrier: Carrier | None) -> Iterator[Span]:
    """A span of this worker, child of the parent's span in ``carrier``; exported when it ends if sampled."""
    if _state is None or not carrier:
        yield NOOP_SPAN
        return
    provider, tracer = _state
    with tracer.span(name, attributes, parent=carrier) as span:
        yield span
    global _flushing
    if _flushing and span.ref is not None and span.ref.sampled:
        # The SDK's force_flush exports in the calling thread and may take the whole export timeout: wait for it
        # in a thread of its own, at most FLUSH_WAIT_MS.
        flush = threading.Thread(target=_flush, args=(provider,), name="worker-span-flush", daemon=True)
        flush.start()
        flush.join(FLUSH_WAIT_MS / 1000)
        _flushing = not flush.is_alive()
        if not _flushing:
            _log.warning(
                "telemetry: the prover worker (pid %d) could not export its spans within %d ms; it sends them "
                "in the background from now on",
                os.getpid(),
                FLUSH_WAIT_MS,
            )
