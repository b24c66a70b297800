"""``aztec telemetry check``: tries each configured exporter once and says why it is (un)reachable."""

from __future__ import annotations

import errno
import os
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import grpc
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from aztec.telemetry.config import TelemetryConfig


@dataclass(frozen=True)
class CheckResult:
    exporter: str
    target: str
    ok: bool
    detail: str
    informational: bool = False
    """Nothing to check there (e.g. no node serving the default scrape URL): neither ok nor a failure."""


def check_exporters(config: TelemetryConfig, timeout_s: float = 5.0) -> list[CheckResult]:
    """One result per configured exporter; an empty list when none is configured."""
    results: list[CheckResult] = []
    export = config.otlp_metrics
    if export is not None:
        check = check_otlp_grpc if export.protocol == "grpc" else check_otlp_http
        results.append(check(export.endpoint, timeout_s, export.headers))
    if config.prometheus_port is not None:
        results.append(check_listen(config.prometheus_host, config.prometheus_port, timeout_s))
    if config.ndjson_path is not None:
        results.append(check_file(config.ndjson_path))
    if config.console:
        results.append(CheckResult("console", "stdout", True, "writes to standard output"))
    traces = config.otlp_traces
    if traces is not None and traces.protocol != "grpc":
        body = trace_service_pb2.ExportTraceServiceRequest().SerializeToString()
        results.append(_post_otlp(traces.endpoint, body, "otlp_http_traces", timeout_s, traces.headers))
    logs = config.otlp_logs
    if logs is not None and logs.protocol != "grpc":
        body = logs_service_pb2.ExportLogsServiceRequest().SerializeToString()
        results.append(_post_otlp(logs.endpoint, body, "otlp_http_logs", timeout_s, logs.headers))
    return results


def check_otlp_http(endpoint: str, timeout_s: float, headers: Mapping[str, str] | None = None) -> CheckResult:
    """POST an empty ExportMetricsServiceRequest, as the exporter would, with its headers."""
    body = metrics_service_pb2.ExportMetricsServiceRequest().SerializeToString()
    return _post_otlp(endpoint, body, "otlp_http", timeout_s, headers)


def _post_otlp(
    endpoint: str, body: bytes, exporter: str, timeout_s: float, headers: Mapping[str, str] | None = None
) -> CheckResult:
    """POST an empty export request of one signal (metrics, spans or logs) to an OTLP/HTTP endpoint."""
    request = urllib.request.Request(
        endpoint, data=body, method="POST", headers={**(headers or {}), "Content-Type": "application/x-protobuf"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return CheckResult(exporter, endpoint, True, f"reachable, accepted an export (HTTP {response.status})")
    except urllib.error.HTTPError as error:
        text = error.read(200).decode("utf-8", "replace").strip()
        return CheckResult(exporter, endpoint, False, f"refused the export: HTTP {error.code} {text}".strip())
    except urllib.error.URLError as error:
        return CheckResult(exporter, endpoint, False, f"unreachable: {_reason(error.reason)}")
    except TimeoutError:
        return CheckResult(exporter, endpoint, False, f"no answer within {timeout_s:g} s")
    except OSError as error:
        return CheckResult(exporter, endpoint, False, f"unreachable: {_reason(error)}")


def check_otlp_grpc(endpoint: str, timeout_s: float, headers: Mapping[str, str] | None = None) -> CheckResult:
    parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
    target = f"{parts.hostname}:{parts.port or 4317}"
    if parts.scheme == "https":
        channel = grpc.secure_channel(target, grpc.ssl_channel_credentials())
    else:
        channel = grpc.insecure_channel(target)
    try:
        stub = metrics_service_pb2_grpc.MetricsServiceStub(channel)  # type: ignore[no-untyped-call]
        metadata = tuple((key.lower(), value) for key, value in (headers or {}).items())
        stub.Export(metrics_service_pb2.ExportMetricsServiceRequest(), timeout=timeout_s, metadata=metadata)
        return CheckResult("otlp_grpc", endpoint, True, "reachable, accepted an export")
    except grpc.RpcError as error:
        code = error.code() if isinstance(error, grpc.Call) else None
        details = error.details() if isinstance(error, grpc.Call) else str(error)
        name = code.name if code is not None else "UNKNOWN"
        return CheckResult("otlp_grpc", endpoint, False, f"export failed: {name}: {details}")
    finally:
        channel.close()


def check_listen(host: str, port: int, timeout_s: float) -> CheckResult:
    """The scrape endpoint: already served by a running node, or free to listen on."""
    target = f"{host}:{port}"
    if port != 0:
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/metrics"
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as response:
                return CheckResult("prometheus", target, True, f"served by a running process (HTTP {response.status})")
        except (urllib.error.URLError, OSError):
            pass
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as error:
            return CheckResult("prometheus", target, False, f"cannot listen: {_reason(error)}")
    return CheckResult("prometheus", target, True, "free to listen on")


def check_file(path: Path) -> CheckResult:
    directory = path.parent if path.parent != Path("") else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return CheckResult("ndjson", str(path), False, "file exists but is not writable")
    existing = directory
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        return CheckResult("ndjson", str(path), False, f"cannot create files in {existing}")
    return CheckResult("ndjson", str(path), True, "writable")


def check_scrape(url: str, timeout_s: float, *, required: bool) -> CheckResult:
    """A running node's scrape endpoint: does it answer, and which services' series does it serve?"""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            text = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return _scrape_problem(url, f"answers HTTP {error.code}, not metrics", required)
    except (urllib.error.URLError, OSError) as error:
        reason = _reason(error.reason if isinstance(error, urllib.error.URLError) else error)
        return _scrape_problem(url, f"unreachable: {reason}", required)
    series = [line for line in text.splitlines() if line and not line.startswith("#")]
    services = sorted(set(re.findall(r'service_name="([^"]*)"', text)))
    instances = sorted(set(re.findall(r'service_instance_id="([^"]*)"', text)))
    if not series:
        return _scrape_problem(url, "answers, but serves no series", required)
    who = f"{', '.join(services) or 'unnamed services'} (instance {', '.join(instances) or 'unknown'})"
    return CheckResult("scrape", url, True, f"a running node serves {len(series)} series of {who}")


def _scrape_problem(url: str, detail: str, required: bool) -> CheckResult:
    """A failure for a URL the user named; for the default one, only a note that no node is serving there."""
    if required:
        return CheckResult("scrape", url, False, detail)
    return CheckResult("scrape", url, True, f"no node serving here: {detail}", informational=True)


def _reason(error: object) -> str:
    if isinstance(error, OSError) and error.errno is not None:
        name = errno.errorcode.get(error.errno, str(error.errno))
        return f"{error.strerror or name} ({name})"
    return str(error)
