"""OTLP receivers for tests: real HTTP and gRPC servers on 127.0.0.1 decoding with opentelemetry-proto.

The HTTP receiver takes metrics (``/v1/metrics``), spans (``/v1/traces``) and logs (``/v1/logs``).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1 import metrics_pb2

ExportRequest = metrics_service_pb2.ExportMetricsServiceRequest


@dataclass(frozen=True)
class ReceivedPoint:
    service: str
    metric: str
    unit: str
    kind: str
    attributes: dict[str, Any]
    point: Any
    instance: str = ""
    """The resource's ``service.instance.id``."""
    monotonic: bool = False
    """For sums: whether the sum is monotonic (a counter)."""
    resource: dict[str, Any] | None = None


def _value(value: AnyValue) -> Any:
    return getattr(value, value.WhichOneof("value") or "string_value")


def attributes_of(key_values: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in key_values if isinstance(kv, KeyValue)}


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    resource: dict[str, Any]
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    kind: int
    attributes: dict[str, Any]
    links: list[tuple[str, str]]
    """(trace id, span id) of each link, hex."""
    status_code: int
    start_time_unix_nano: int = 0


@dataclass(frozen=True)
class ReceivedLog:
    service: str
    resource: dict[str, Any]
    severity: str
    body: str
    trace_id: str
    span_id: str
    attributes: dict[str, Any]


class _SignalStore:
    """Decoded trace and log export requests, with polling waits."""

    def __init__(self) -> None:
        self.trace_requests: list[Any] = []
        self.log_requests: list[Any] = []
        self._signal_condition = threading.Condition()

    def add_signal(self, path: str, body: bytes) -> None:
        if path.endswith("/v1/traces"):
            request: Any = trace_service_pb2.ExportTraceServiceRequest()
            target = self.trace_requests
        else:
            request = logs_service_pb2.ExportLogsServiceRequest()
            target = self.log_requests
        request.ParseFromString(body)
        with self._signal_condition:
            target.append(request)
            self._signal_condition.notify_all()

    def spans(self) -> list[ReceivedSpan]:
        with self._signal_condition:
            requests = list(self.trace_requests)
        found = []
        for request in requests:
            for rs in request.resource_spans:
                resource = attributes_of(rs.resource.attributes)
                for ss in rs.scope_spans:
                    for span in ss.spans:
                        found.append(
                            ReceivedSpan(
                                str(resource.get("service.name", "")),
                                resource,
                                span.name,
                                span.trace_id.hex(),
                                span.span_id.hex(),
                                span.parent_span_id.hex(),
                                span.kind,
                                attributes_of(span.attributes),
                                [(link.trace_id.hex(), link.span_id.hex()) for link in span.links],
                                span.status.code,
                                span.start_time_unix_nano,
                            )
                        )
        return found

    def logs(self) -> list[ReceivedLog]:
        with self._signal_condition:
            requests = list(self.log_requests)
        found = []
        for request in requests:
            for rl in request.resource_logs:
                resource = attributes_of(rl.resource.attributes)
                for sl in rl.scope_logs:
                    for record in sl.log_records:
                        found.append(
                            ReceivedLog(
                                str(resource.get("service.name", "")),
                                resource,
                                record.severity_text,
                                str(_value(record.body)),
                                record.trace_id.hex(),
                                record.span_id.hex(),
                                attributes_of(record.attributes),
                            )
                        )
        return found

    def wait_for_signal(self, check: Callable[[], Any], what: str, timeout_s: float = 30.0) -> Any:
        """Poll ``check`` (on every new request, at least every 0.2 s) until it returns something truthy."""
        deadline = time.monotonic() + timeout_s
        while True:
            result = check()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{what} did not arrive within {timeout_s} s")
            with self._signal_condition:
                self._signal_condition.wait(timeout=min(remaining, 0.2))


class _Store:
    def __init__(self) -> None:
        self.requests: list[Any] = []
        self._condition = threading.Condition()

    def add(self, request: Any) -> None:
        with self._condition:
            self.requests.append(request)
            self._condition.notify_all()

    def points(self) -> Iterator[ReceivedPoint]:
        with self._condition:
            requests = list(self.requests)
        for request in requests:
            for rm in request.resource_metrics:
                resource = attributes_of(rm.resource.attributes)
                service = str(resource.get("service.name", ""))
                instance = str(resource.get("service.instance.id", ""))
                for sm in rm.scope_metrics:
                    for metric in sm.metrics:
                        kind = metric.WhichOneof("data") or ""
                        data: metrics_pb2.Metric = getattr(metric, kind)
                        monotonic = bool(getattr(data, "is_monotonic", False))
                        for point in data.data_points:  # type: ignore[attr-defined]
                            yield ReceivedPoint(
                                service,
                                metric.name,
                                metric.unit,
                                kind,
                                attributes_of(point.attributes),
                                point,
                                instance,
                                monotonic,
                                resource,
                            )

    def wait_for(
        self, predicate: Callable[[list[ReceivedPoint]], bool], timeout_s: float = 15.0
    ) -> list[ReceivedPoint]:
        deadline = time.monotonic() + timeout_s
        while True:
            points = list(self.points())
            if predicate(points):
                return points
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"receiver did not get the expected data within {timeout_s} s")
            with self._condition:
                self._condition.wait(timeout=min(remaining, 0.2))


class OtlpHttpReceiver(_Store, _SignalStore):
    """POST /v1/metrics, /v1/traces or /v1/logs with a protobuf body; answers with ``status`` (200 unless
    told otherwise)."""

    def __init__(self, status: int = 200, delay_s: float = 0.0) -> None:
        """``delay_s``: wait that long before answering (a slow collector)."""
        _Store.__init__(self)
        _SignalStore.__init__(self)
        self.status = status
        self.delay_s = delay_s
        self.attempts = 0
        self.headers: list[dict[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.attempts += 1
                receiver.headers.append(dict(self.headers.items()))
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                signal = self.path.endswith(("/v1/traces", "/v1/logs"))
                if receiver.status == 200 and signal:
                    receiver.add_signal(self.path, body)
                elif receiver.status == 200:
                    request = ExportRequest()
                    request.ParseFromString(body)
                    receiver.add(request)
                reply = b""  # an empty Export*ServiceResponse
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the exporter gave up (delay_s)
                    self.send_response(receiver.status)
                    self.send_header("Content-Type", "application/x-protobuf")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1/metrics"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def traces_endpoint(self) -> str:
        return f"{self.base_url}/v1/traces"

    @property
    def logs_endpoint(self) -> str:
        return f"{self.base_url}/v1/logs"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class OtlpGrpcReceiver(_Store):
    def __init__(self) -> None:
        super().__init__()
        store = self

        class Servicer(metrics_service_pb2_grpc.MetricsServiceServicer):
            def Export(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC method name
                store.add(request)
                return metrics_service_pb2.ExportMetricsServiceResponse()

        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(Servicer(), self._server)  # type: ignore[no-untyped-call]
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.stop(grace=None)


class BlackHole:
    """A TCP listener that accepts connections and never answers: a collector that hangs.

    It reads what each connection sends first (the request line and headers, as far as one read gets)
    into ``heads``, so a test can tell an exporter's request from a reachability probe's.
    """

    def __init__(self) -> None:
        import socket

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.endpoint = f"http://127.0.0.1:{self._socket.getsockname()[1]}/v1/metrics"
        self.connections: list[Any] = []
        self.heads: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self._socket.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            self.connections.append(connection)
            threading.Thread(target=self._read_head, args=(connection,), daemon=True).start()

    def _read_head(self, connection: Any) -> None:
        connection.settimeout(10)
        with contextlib.suppress(OSError):  # closed or silent: nothing to record
            self.heads.append(connection.recv(65536))

    def exports(self, user_agent: bytes = b"OTel-OTLP-Exporter-Python", path: bytes = b"/v1/metrics") -> int:
        """How many connections carry an exporter's request for ``path`` (not a probe's)."""
        return sum(1 for head in list(self.heads) if user_agent in head and b"POST " + path in head)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for connection in self.connections:
            connection.close()
        self._socket.close()
