"""The embedded Prometheus scrape endpoint: one listener per client, never a shared registry.

With local aggregation (the default) a scrape is rendered by :mod:`.prometheus_text` straight from
the cells; with it off, by the OpenTelemetry SDK's ``PrometheusMetricReader`` into a private
``prometheus_client`` registry, as before. Either way ``render(accept_header)`` gives the body and
its content type, and the body is gzipped when the scraper accepts it.
"""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder, gzip_accepted

from aztec.telemetry.exporters.prometheus_text import ObservableReader, ScrapeRenderer
from aztec.telemetry.otel.local_aggregation import LocalAggregation

RESOURCE_LABELS = frozenset({"service.name", "service.instance.id"})
"""Resource attributes copied onto every series (as ``service_name``, ``service_instance_id``), the same
labels the collector's Prometheus exporter adds, so dashboards work with either path."""


class PrometheusEndpointError(OSError):
    """The scrape endpoint could not listen where it was told to."""


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _SilentHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log."""


class PrometheusEndpoint:
    def __init__(self, host: str, port: int, *, resource: Resource, local: LocalAggregation | None = None) -> None:
        """``local``: render the local-aggregation cells directly; None: through the SDK's reader."""
        self.reader: MetricReader
        self.render: Callable[[str | None], tuple[bytes, str]]
        if local is not None:
            observables = ObservableReader()
            renderer = ScrapeRenderer(resource, local, observables.collect_now, RESOURCE_LABELS.__contains__)
            self.reader, self.render = observables, renderer.render
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

            self.render = render
        self._host = host
        self._requested_port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            server_class = type(
                "_Server",
                (_ThreadingWSGIServer,),
                {"address_family": socket.AF_INET6 if ":" in self._host else socket.AF_INET},
            )
            server: WSGIServer = make_server(self._host, self._requested_port, self._app, server_class, _SilentHandler)
        except OSError as error:
            raise PrometheusEndpointError(
                f"cannot serve metrics on {self._host}:{self._requested_port} "
                f"(AZTEC_PROMETHEUS_HOST/AZTEC_PROMETHEUS_PORT): {error.strerror or error}"
            ) from error
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="prometheus-endpoint", daemon=True)
        self._thread.start()

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method == "OPTIONS":
            status, headers, body = "200 OK", [("Allow", "OPTIONS,GET")], b""
        elif method != "GET":
            status, headers = "405 Method Not Allowed", [("Allow", "OPTIONS,GET")]
            body = f"# HTTP 405: {method}; use OPTIONS or GET\n".encode()
        else:
            body, content_type = self.render(environ.get("HTTP_ACCEPT"))
            status, headers = "200 OK", [("Content-Type", content_type)]
            if gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING", "")):
                body = gzip.compress(body, compresslevel=1)  # 3x cheaper than 6 (9 before), 20% larger
                headers.append(("Content-Encoding", "gzip"))
        start_response(status, headers)
        return [body]

    @property
    def port(self) -> int:
        return self._server.server_port if self._server is not None else self._requested_port

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}/metrics"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
