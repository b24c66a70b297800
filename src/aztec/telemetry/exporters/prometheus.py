"""The embedded Prometheus scrape endpoint, with its own registry so that clients never share one.

The listener is an asyncio server on its own thread (no thread per connection): at most
``max_connections`` connections, each closed when its headers take longer than the header timeout or
it sits idle past the idle timeout, and when the table is full the oldest idle or slow connection
makes room for a new one (:mod:`aztec.foundation.http.guard`). So slow or idle clients cannot lock
Prometheus out. ``/metrics`` serves the exposition (OpenMetrics when the scraper asks for it, gzip
when it accepts it), ``/`` a pointer to it, ``/healthz`` and ``/readyz`` the process's health probes
(:mod:`aztec.foundation.http.health`; the checks are the ones given to :meth:`PrometheusEndpoint.set_readiness`,
ready with none), anything else 404. The body comes from one call,
:meth:`PrometheusEndpoint.render`: with local aggregation (the default) :mod:`.prometheus_text` renders
it straight from the cells and the observable callbacks; with it off, the OpenTelemetry SDK's
``PrometheusMetricReader`` into a private ``prometheus_client`` registry.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from aiohttp import web
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

from aztec.foundation.http import ConnectionLimits, GuardedListener
from aztec.foundation.http.health import HealthProbes, Readiness
from aztec.telemetry.exporters.prometheus_text import ScrapeRenderer
from aztec.telemetry.otel.local_aggregation import LocalAggregation
from aztec.telemetry.otel.local_observables import LocalObservables

RESOURCE_LABELS = frozenset({"service.name", "service.instance.id"})
"""Resource attributes copied onto every series (as ``service_name``, ``service_instance_id``), the same
labels the collector's Prometheus exporter adds, so dashboards work with either path."""

SCRAPE_LIMITS: Final = ConnectionLimits(
    max_connections=64, header_timeout_s=10.0, body_timeout_s=10.0, idle_timeout_s=120.0
)
"""Prometheus keeps one connection per target alive between scrapes (its default interval is 60 s)."""
_START_TIMEOUT_S: Final = 10.0
_INDEX: Final = b"Aztec node metrics: scrape /metrics\n"


class PrometheusEndpointError(OSError):
    """The scrape endpoint could not listen where it was told to."""


class PrometheusEndpoint:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        resource: Resource,
        local: LocalAggregation | None = None,
        observables: LocalObservables | None = None,
        limits: ConnectionLimits = SCRAPE_LIMITS,
    ) -> None:
        """``local`` and ``observables``: render the cells and observations directly; None: through the SDK's reader.

        ``reader`` is the SDK reader to register on the meter provider (None when rendering directly).
        """
        self.reader: MetricReader | None = None
        self._render: Callable[[str | None], tuple[bytes, str]]
        if local is not None and observables is not None:
            renderer = ScrapeRenderer(resource, local, observables.observe, RESOURCE_LABELS.__contains__)
            self._render = renderer.render
        elif local is not None or observables is not None:
            raise ValueError("the scrape renderer needs both the local aggregation and the local observables")
        else:
            registry = CollectorRegistry(auto_describe=False)
            self.reader = PrometheusMetricReader(
                scope_info_enabled=False,
                registry=registry,
                resource_attribute_filter=RESOURCE_LABELS.__contains__,
            )

            def render(accept_header: str | None) -> tuple[bytes, str]:
                encoder, content_type = choose_encoder(accept_header or "")
                return encoder(registry), content_type

            self._render = render
        self.limits = limits
        self.probes = HealthProbes()
        self._host = host
        self._requested_port = port
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: GuardedListener | None = None
        self._thread: threading.Thread | None = None
        self._render_pool: ThreadPoolExecutor | None = None

    def set_readiness(self, readiness: Readiness | None) -> None:
        """The checks ``/readyz`` runs (None: ready with no checks).

        They run on the event loop that is running here, if any (the component's, whose connections
        they may use), not on the endpoint's own thread.
        """
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        self.probes.set_readiness(readiness, loop)

    def render(self, accept_header: str) -> tuple[bytes, str]:
        """The exposition body and its content type for a scraper's Accept header."""
        return self._render(accept_header)

    def start(self) -> None:
        """Listen, on a thread of its own; :class:`PrometheusEndpointError` when it cannot."""
        started = threading.Event()
        failure: list[BaseException] = []
        self._render_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prometheus-render")

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._start_listener())
            except BaseException as error:
                failure.append(error)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._thread = threading.Thread(target=serve, name="prometheus-endpoint", daemon=True)
        self._thread.start()
        started.wait(_START_TIMEOUT_S)
        if failure:
            self._thread.join(timeout=5)
            self._thread = None
            self._render_pool.shutdown(wait=False)
            error = failure[0]
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise PrometheusEndpointError(
                f"cannot serve metrics on {self._host}:{self._requested_port} "
                f"(AZTEC_PROMETHEUS_HOST/AZTEC_PROMETHEUS_PORT): {reason}"
            ) from error

    async def _start_listener(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/", self._index)
        self.probes.add_routes(app.router)
        listener = GuardedListener(
            app, self.limits, host=self._host, port=self._requested_port, name="metrics endpoint"
        )
        await listener.start()
        self._listener = listener
        self._port = listener.port

    async def _metrics(self, request: web.Request) -> web.Response:
        loop = asyncio.get_running_loop()
        accept = request.headers.get("Accept", "")
        body, content_type = await loop.run_in_executor(self._render_pool, self.render, accept)
        headers = {"Content-Type": content_type}
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        return web.Response(body=body, headers=headers)

    async def _index(self, request: web.Request) -> web.Response:
        return web.Response(body=_INDEX, content_type="text/plain")

    @property
    def listener(self) -> GuardedListener | None:
        return self._listener

    @property
    def port(self) -> int:
        return self._port if self._port is not None else self._requested_port

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}/metrics"

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None and thread.is_alive():
            listener = self._listener
            if listener is not None:
                future = asyncio.run_coroutine_threadsafe(listener.stop(), loop)
                with contextlib.suppress(Exception):  # stopping must not fail the client's shutdown
                    future.result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
        self._listener = None
        if self._render_pool is not None:
            self._render_pool.shutdown(wait=False)
            self._render_pool = None
