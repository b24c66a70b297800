"""The embedded Prometheus scrape endpoint, with its own registry so that clients never share one."""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIServer

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from prometheus_client import CollectorRegistry, start_http_server

RESOURCE_LABELS = frozenset({"service.name", "service.instance.id"})
"""Resource attributes copied onto every series (as ``service_name``, ``service_instance_id``), the same
labels the collector's Prometheus exporter adds, so dashboards work with either path."""


class PrometheusEndpointError(OSError):
    """The scrape endpoint could not listen where it was told to."""


class PrometheusEndpoint:
    def __init__(self, host: str, port: int) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.reader = PrometheusMetricReader(
            scope_info_enabled=False,
            registry=self.registry,
            resource_attribute_filter=RESOURCE_LABELS.__contains__,
        )
        self._host = host
        self._requested_port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            self._server, self._thread = start_http_server(
                self._requested_port, addr=self._host, registry=self.registry
            )
        except OSError as error:
            raise PrometheusEndpointError(
                f"cannot serve metrics on {self._host}:{self._requested_port} "
                f"(AZTEC_PROMETHEUS_HOST/AZTEC_PROMETHEUS_PORT): {error.strerror or error}"
            ) from error

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
