"""Pins on every private OpenTelemetry name :mod:`aztec.telemetry.otel.private_api` uses, and a check that
nothing else in ``src/`` uses one.

Each pin exercises the name on the installed packages; when an upgrade changes it, the failure names the
package, its installed and pinned versions, and the attribute, so that the fix starts in ``private_api``.
"""

from __future__ import annotations

import ast
import logging
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    ConsoleMetricExporter,
    InMemoryMetricReader,
    MetricExportResult,
    MetricReader,
    MetricsData,
)
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation

from aztec.telemetry.otel import private_api as p

SRC = Path(__file__).resolve().parents[2] / "src"
PRIVATE_API = SRC / "aztec" / "telemetry" / "otel" / "private_api.py"
THIRD_PARTY = ("opentelemetry", "prometheus_client")


def changed(package: str, attribute: str, problem: str) -> str:
    """The failure message of a pin: which package, which versions, which name, what changed."""
    installed = metadata.version(package)
    return (
        f"{package} {installed} (private_api pinned {p.PINNED_VERSIONS[package]}) changed {attribute}: {problem}; "
        "update src/aztec/telemetry/otel/private_api.py"
    )


def _reader() -> tuple[MeterProvider, InMemoryMetricReader]:
    reader = InMemoryMetricReader()
    return MeterProvider(metric_readers=[reader]), reader


def test_every_pinned_package_is_installed() -> None:
    for package in p.PINNED_VERSIONS:
        assert metadata.version(package), f"{package} is pinned in private_api but not installed"


def test_pin_reader_collect_callback() -> None:
    provider, reader = _reader()
    collect = p.reader_collect(reader)
    assert callable(collect), changed("opentelemetry-sdk", "MetricReader._collect", "no callback after registration")
    calls: list[dict[str, Any]] = []

    def wrapped(collecting: MetricReader, **kwargs: Any) -> MetricsData | None:
        calls.append(kwargs)
        return collect(collecting, **kwargs)

    p.set_reader_collect(reader, wrapped)
    provider.get_meter("pin").create_counter("aztec.pin.count").add(1)
    data = reader.get_metrics_data()
    assert calls, changed("opentelemetry-sdk", "MetricReader._set_collect_callback", "the callback is not called")
    assert data is not None and data.resource_metrics, changed(
        "opentelemetry-sdk", "MetricReader._collect", "calling it no longer returns the collection"
    )
    provider.shutdown()


def test_pin_reader_temporality_and_aggregation_maps() -> None:
    provider, reader = _reader()
    meter = provider.get_meter("pin")
    created = {
        p.SDK_HISTOGRAM: meter.create_histogram("aztec.pin.histogram"),
        p.SDK_COUNTER: meter.create_counter("aztec.pin.counter"),
        p.SDK_UP_DOWN_COUNTER: meter.create_up_down_counter("aztec.pin.up_down"),
        p.SDK_GAUGE: meter.create_gauge("aztec.pin.gauge"),
        p.SDK_OBSERVABLE_COUNTER: meter.create_observable_counter("aztec.pin.observable_counter"),
        p.SDK_OBSERVABLE_UP_DOWN_COUNTER: meter.create_observable_up_down_counter("aztec.pin.observable_up_down"),
        p.SDK_OBSERVABLE_GAUGE: meter.create_observable_gauge("aztec.pin.observable_gauge"),
    }
    for sdk_class, instrument in created.items():
        assert isinstance(instrument, sdk_class), changed(
            "opentelemetry-sdk",
            f"opentelemetry.sdk.metrics._internal.instrument.{sdk_class.__name__}",
            f"the meter now creates {type(instrument).__name__}",
        )
    temporalities = p.reader_temporalities(reader)
    for sdk_class in created:
        assert isinstance(temporalities.get(sdk_class), AggregationTemporality), changed(
            "opentelemetry-sdk",
            "MetricReader._instrument_class_temporality",
            f"no temporality keyed by {sdk_class.__name__}",
        )
    exponential = InMemoryMetricReader(preferred_aggregation={Histogram: ExponentialBucketHistogramAggregation()})
    assert isinstance(p.reader_aggregations(exponential).get(p.SDK_HISTOGRAM), ExponentialBucketHistogramAggregation), (
        changed(
            "opentelemetry-sdk", "MetricReader._instrument_class_aggregation", "the preferred aggregation is not kept"
        )
    )
    provider.shutdown()


def test_pin_exporter_preferences() -> None:
    exporter = ConsoleMetricExporter(
        preferred_temporality={Counter: AggregationTemporality.DELTA},
        preferred_aggregation={Counter: ExponentialBucketHistogramAggregation()},
    )
    assert p.exporter_preferred_temporality(exporter).get(Counter) is AggregationTemporality.DELTA, changed(
        "opentelemetry-sdk", "MetricExporter._preferred_temporality", "the preference is not kept"
    )
    assert isinstance(p.exporter_preferred_aggregation(exporter).get(Counter), ExponentialBucketHistogramAggregation), (
        changed("opentelemetry-sdk", "MetricExporter._preferred_aggregation", "the preference is not kept")
    )


class _FakeResult:
    success = True
    status_code = 200
    error = None


class _FakeClient:
    def __init__(self) -> None:
        self.posted: list[bytes] = []

    def export(self, data: bytes) -> _FakeResult:
        self.posted.append(data)
        return _FakeResult()

    def shutdown(self) -> None:
        pass


def _posting_through_a_fake(exporter: OTLPMetricExporter) -> tuple[_FakeClient, MeterProvider, MetricsData]:
    """``exporter`` posting through a fake client, and a collection of one counter to export."""
    fake = _FakeClient()
    p.replace_otlp_http_client(exporter, fake)
    provider, reader = _reader()
    provider.get_meter("pin").create_counter("aztec.pin.count").add(1)
    data = reader.get_metrics_data()
    assert data is not None
    return fake, provider, data


def test_pin_otlp_http_exporter_client() -> None:
    exporter = OTLPMetricExporter(endpoint="http://127.0.0.1:9/v1/metrics")
    original = p.otlp_http_client(exporter)
    assert original is not None and callable(getattr(original, "export", None)), changed(
        "opentelemetry-exporter-otlp-proto-http", "OTLPMetricExporter._client", "no client with export(bytes)"
    )
    fake, provider, data = _posting_through_a_fake(exporter)
    exporter.export(data)
    assert fake.posted, changed(
        "opentelemetry-exporter-otlp-proto-http", "OTLPMetricExporter._client", "export() no longer posts through it"
    )
    provider.shutdown()


def test_pin_otlp_http_metric_exporter_sends_a_request_encoded_elsewhere() -> None:
    package = "opentelemetry-exporter-otlp-proto-http"
    exporter = OTLPMetricExporter(endpoint="http://127.0.0.1:9/v1/metrics")
    assert p.otlp_http_metric_exporter_exports_whole(exporter), changed(
        package, "OTLPMetricExporter._shutdown/_max_export_batch_size", "a new exporter is not live and unbatched"
    )
    fake, provider, data = _posting_through_a_fake(exporter)
    request = encode_metrics(data)
    result = p.otlp_http_metric_export_request(exporter, request)
    assert result is MetricExportResult.SUCCESS and fake.posted == [request.SerializeToString()], changed(
        package, "OTLPMetricExporter._export_batch", "it no longer posts the request it is given"
    )
    batched = OTLPMetricExporter(endpoint="http://127.0.0.1:9/v1/metrics", max_export_batch_size=10)
    exporter.shutdown()
    assert not p.otlp_http_metric_exporter_exports_whole(batched), changed(
        package, "OTLPMetricExporter._max_export_batch_size", "a batch size is not kept there"
    )
    assert not p.otlp_http_metric_exporter_exports_whole(exporter), changed(
        package, "OTLPMetricExporter._shutdown", "shutdown is not kept there"
    )
    batched.shutdown()
    provider.shutdown()


def test_pin_otlp_http_log_exporter_logger() -> None:
    exporter = p.otlp_http_log_exporter("http://127.0.0.1:9/v1/logs", 1.0)
    module = sys.modules[type(exporter).__module__]
    logger = getattr(module, "_logger", None)
    assert isinstance(logger, logging.Logger) and logger.name == p.OTLP_HTTP_LOG_EXPORTER_LOGGER, changed(
        "opentelemetry-exporter-otlp-proto-http",
        "opentelemetry.exporter.otlp.proto.http._log_exporter._logger",
        f"the exporter now logs on {getattr(logger, 'name', None)!r}",
    )
    assert p.otlp_http_client(exporter) is not None, changed(
        "opentelemetry-exporter-otlp-proto-http", "OTLPLogExporter._client", "no client"
    )


def test_pin_system_metrics_instrumentor_per_provider() -> None:
    """Two providers each get their own system metrics (the instrumentor's singleton is bypassed)."""
    names = []
    for _ in range(2):
        provider, reader = _reader()
        p.instrument_system_metrics(provider, {"process.cpu.time": ["user", "system"]})
        data = reader.get_metrics_data()
        names.append(
            {m.name for rm in (data.resource_metrics if data else []) for sm in rm.scope_metrics for m in sm.metrics}
        )
        provider.shutdown()
    assert names == [{"process.cpu.time"}] * 2, changed(
        "opentelemetry-instrumentation-system-metrics",
        "SystemMetricsInstrumentor (object.__new__, __init__(config=), _instrument(meter_provider=))",
        f"per-provider instruments gave {names}",
    )


def test_pin_host_resource_detector() -> None:
    attributes = p.host_resource_detector().detect().attributes
    assert {"host.name", "host.arch"} <= set(attributes), changed(
        "opentelemetry-sdk", "opentelemetry.sdk.resources._HostResourceDetector", f"it detects {sorted(attributes)}"
    )


def test_pin_prometheus_exporter_naming() -> None:
    cases = [
        (p.prometheus_metric_name, "aztec.block.proposal.duration", "aztec_block_proposal_duration"),
        (p.prometheus_metric_name, "aztec-x/y", "aztec_x_y"),
        (p.prometheus_unit, "s", "seconds"),
        (p.prometheus_unit, "By", "bytes"),
        (p.prometheus_unit, "{tx}", ""),
        (p.prometheus_label, "aztec.chain.status", "aztec_chain_status"),
    ]
    for function, given, expected in cases:
        got = function(given)
        assert got == expected, changed(
            "opentelemetry-exporter-prometheus",
            f"opentelemetry.exporter.prometheus._mapping ({function.__name__})",
            f"{given!r} now gives {got!r}, not {expected!r}",
        )


def test_pin_logs_sdk_names() -> None:
    names = ["LogRecord", "SeverityNumber", "LoggerProvider", "ReadableLogRecord", "BatchLogRecordProcessor"]
    names += ["LogRecordExporter", "LogRecordExportResult"]
    for name in names:
        module = "opentelemetry._logs" if name in ("LogRecord", "SeverityNumber") else "opentelemetry.sdk._logs"
        assert isinstance(getattr(p, name), type), changed("opentelemetry-sdk", f"{module}.{name}", "gone")


# --- nothing else touches a private name ----------------------------------------------------------------


def _third_party_private_import(node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in THIRD_PARTY:
        private = [part for part in node.module.split(".") if part.startswith("_")]
        private += [alias.name for alias in node.names if alias.name.startswith("_")]
        return f"from {node.module} import ..." if private else None
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] in THIRD_PARTY and any(part.startswith("_") for part in parts):
                return f"import {alias.name}"
    return None


def _own_names(tree: ast.Module) -> set[str]:
    """Names a module defines itself: ``self.x =`` targets, slots, methods and functions."""
    own: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            own.add(node.value)  # __slots__ entries
    return own


def _private_names_of_third_parties() -> set[str]:
    """Every ``_name`` the installed opentelemetry and prometheus_client packages define or use."""
    import opentelemetry
    import prometheus_client

    found: set[str] = set()
    roots = [Path(path) for path in opentelemetry.__path__] + [Path(prometheus_client.__file__).parent]
    for root in roots:
        for path in root.rglob("*.py"):
            found.update(re.findall(r"\b(_[a-z][A-Za-z0-9_]*)\b", path.read_text(errors="replace")))
    return found


def test_no_module_but_private_api_touches_a_private_otel_name() -> None:
    third_party = _private_names_of_third_parties()
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        if path == PRIVATE_API:
            continue
        source = path.read_text()
        where = path.relative_to(SRC)
        tree = ast.parse(source)
        own = _own_names(tree)
        for node in ast.walk(tree):
            line = getattr(node, "lineno", 0)
            if (found := _third_party_private_import(node)) is not None:
                problems.append(f"{where}:{line}: {found}")
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                receiver = node.value.id if isinstance(node.value, ast.Name) else None
                if receiver not in ("self", "cls") and node.attr in third_party and node.attr not in own:
                    problems.append(f"{where}:{line}: .{node.attr}")
            elif isinstance(node, ast.Attribute) and node.attr == "__new__":
                if isinstance(node.value, ast.Name) and node.value.id == "object":
                    problems.append(f"{where}:{line}: object.__new__")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REFLECTION:
                text = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if any(t.startswith("_") and t in third_party and t not in own for t in text):
                    problems.append(f"{where}:{line}: {node.func.id}(..., {text[0]!r})")
        for match in re.finditer(r"(?:opentelemetry|prometheus_client)(?:\.\w+)*\._\w+", source):
            problems.append(f"{where}: {match.group(0)}")
    assert problems == [], "private OpenTelemetry names outside private_api.py:\n" + "\n".join(problems)


_REFLECTION = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def test_the_check_above_finds_a_private_name() -> None:
    """The scan can fail: it sees what private_api itself does."""
    tree = ast.parse(PRIVATE_API.read_text())
    imports = [found for node in ast.walk(tree) if (found := _third_party_private_import(node)) is not None]
    assert "from opentelemetry.sdk.metrics._internal.instrument import ..." in imports
    assert "_instrument_class_temporality" in _private_names_of_third_parties()


def test_a_changed_sdk_fails_its_pin_naming_version_and_attribute(monkeypatch: pytest.MonkeyPatch) -> None:
    """What an upgrade that stops installing the collect hook would show: the package, both versions, the name."""
    monkeypatch.setattr(MetricReader, "_set_collect_callback", lambda reader, callback: None)
    pinned = re.escape(p.PINNED_VERSIONS["opentelemetry-sdk"])
    expected = rf"opentelemetry-sdk \S+ \(private_api pinned {pinned}\) changed MetricReader\._collect: "
    with pytest.raises(AssertionError, match=expected):
        test_pin_reader_collect_callback()
