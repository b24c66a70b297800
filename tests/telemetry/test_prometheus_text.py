"""The scrape renderer: the same samples as the old prometheus_client path, promtool-clean, gzip, fallback."""

from __future__ import annotations

import gzip
import subprocess
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text

from aztec.telemetry import attributes as a
from aztec.telemetry.api import ObservableResult
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import (
    AttributeKey,
    ObservableCounterDefinition,
    ObservableUpDownCounterDefinition,
    ValueType,
    counter,
    gauge,
    histogram,
    observable_gauge,
    semconv_metric,
    up_down_counter,
)
from aztec.telemetry.exporters.prometheus import RESOURCE_LABELS
from aztec.telemetry.exporters.prometheus_text import (
    OPENMETRICS_CONTENT_TYPE,
    TEXT_CONTENT_TYPE,
    _Family,
    _Histogram,
    _Labels,
    _render_family,
    exemplar_suffix,
)
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.prometheus_server import require_binary

OPENMETRICS = "application/openmetrics-text; version=1.0.0"
KIND = AttributeKey("aztec.test.kind", "a test attribute")
FLAG = AttributeKey("aztec.test.flag", "a boolean attribute")
SIZE = AttributeKey("aztec.test.size", "an integer attribute")
SIZES = histogram("aztec.test.payload.size", "By", "Payload sizes", buckets=(0, 64, 1024, 65536))
BLOCKS = counter("aztec.test.blocks", "{block}", "Blocks seen")
TOTALLED = counter("aztec.test.seconds.total", "s", "A counter whose name ends in total")
QUEUED = up_down_counter("aztec.test.queued", "{tx}", "Queued txs")
LEVEL = gauge(
    "aztec.test.level", "1", 'A "quoted" gauge\nover two lines \\ with a backslash', value_type=ValueType.DOUBLE
)
RATIO = observable_gauge("aztec.test.ratio", "1", "An observable gauge")
OBSERVED = semconv_metric(ObservableCounterDefinition, "aztec.test.observed", "By", "An observable counter")
BALANCE = semconv_metric(ObservableUpDownCounterDefinition, "aztec.test.balance", "1", "Observable up-down")


def _record(client: OtelTelemetryClient) -> None:
    """Every kind of series, with awkward label values, two scopes of one metric, a missing label."""
    meter = client.get_meter("First")
    simulation = meter.create_histogram(CIRCUIT_SIMULATION_DURATION)
    for index, value in enumerate((0.0001, 0.2, 0.2, 7.5, 1e9)):
        simulation.record(value, {a.PROTOCOL_CIRCUIT_NAME: f"circuit-{index % 3}"})
    simulation.record(0.3)  # a series without the attribute: it gets an empty one, as before
    sizes = meter.create_histogram(SIZES)
    sizes.record(64, {KIND: 'quote " backslash \\ newline \n end'})
    sizes.record(3, {KIND: "ünïcödé", FLAG: True, SIZE: 7})
    sizes.bind({KIND: "bound, never recorded"})
    meter.create_counter(BLOCKS).add(3, {KIND: "int"})
    meter.create_counter(TOTALLED).add(2)
    queued = meter.create_up_down_counter(QUEUED)
    queued.add(5)
    queued.add(-7)
    meter.create_gauge(LEVEL).set(0.25, {FLAG: False})
    client.get_meter("Second").create_counter(BLOCKS).add(2, {KIND: "other scope"})

    def observe_ratio(result: ObservableResult) -> None:
        result.observe(0.5, {KIND: "a"})
        result.observe(2)

    meter.create_observable_gauge(RATIO, observe_ratio)
    meter.create_observable_counter(OBSERVED, lambda result: result.observe(12_345_678_901, {KIND: "b"}))
    meter.create_observable_up_down_counter(BALANCE, lambda result: result.observe(-3.5))


@dataclass
class Pair:
    client: OtelTelemetryClient
    old: CollectorRegistry


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """One client rendering with the new renderer, and the old path (SDK reader, prometheus_client) beside it."""
    registry = CollectorRegistry(auto_describe=False)
    old_reader = PrometheusMetricReader(
        scope_info_enabled=False, registry=registry, resource_attribute_filter=RESOURCE_LABELS.__contains__
    )
    client = OtelTelemetryClient(
        TelemetryConfig(service_name="svc", prometheus_port=0, host_metrics=False, resource_attributes={"k": "v"}),
        extra_readers=[old_reader],
    )
    _record(client)
    yield Pair(client, registry)
    client.stop()


def _render(client: OtelTelemetryClient, accept: str) -> str:
    assert client.prometheus is not None
    body, _ = client.prometheus.render(accept)
    return body.decode()


def _samples(families: Iterable[Any]) -> tuple[dict[str, tuple[str, str, str]], dict[tuple[str, Any], float]]:
    meta: dict[str, tuple[str, str, str]] = {}
    samples: dict[tuple[str, Any], float] = {}
    for family in families:
        meta[family.name] = (family.type, family.documentation, family.unit)
        for sample in family.samples:
            key = (sample.name, frozenset(sample.labels.items()))
            assert key not in samples or "other scope" in str(key), f"duplicate sample {key}"
            samples[key] = sample.value
    return meta, samples


@pytest.mark.parametrize("openmetrics", [False, True], ids=["text", "openmetrics"])
def test_every_sample_matches_the_prometheus_client_path(pair: Pair, openmetrics: bool) -> None:
    new = _render(pair.client, OPENMETRICS if openmetrics else "")
    old = (generate_openmetrics if openmetrics else generate_latest)(pair.old).decode()
    parse = parse_openmetrics if openmetrics else parse_text
    new_meta, new_samples = _samples(parse(new))
    old_meta, old_samples = _samples(parse(old))
    assert new_meta == old_meta
    assert new_samples == old_samples
    assert len(new_samples) > 50
    # Whole numbers are written as integers, floats as floats.
    assert 'aztec_test_blocks_total{aztec_test_kind="int",service_instance_id=' in new
    assert "aztec_test_observed_bytes_total{" in new and "} 12345678901\n" in new
    assert "aztec_test_level{" in new and "} 0.25\n" in new


def _promtool_findings(promtool: str, text: str) -> set[str]:
    result = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False, timeout=30
    )
    assert result.returncode in (0, 3), result.stderr  # 3: lint findings
    return {line for line in (result.stdout + result.stderr).splitlines() if line.strip()}


def test_promtool_check_metrics_is_clean_with_host_metrics() -> None:
    promtool = require_binary("promtool")
    registry = CollectorRegistry(auto_describe=False)
    old_reader = PrometheusMetricReader(
        scope_info_enabled=False, registry=registry, resource_attribute_filter=RESOURCE_LABELS.__contains__
    )
    config = TelemetryConfig(service_name="lint", prometheus_port=0, host_metrics=True)
    client = OtelTelemetryClient(config, extra_readers=[old_reader])
    try:
        _record(client)
        new = _render(client, "")
        old = generate_latest(registry).decode()
    finally:
        client.stop()
    assert "process_cpu_time_seconds_total{" in new  # host metrics go through the same renderer
    # Clean on both: the two host metrics whose semantic-convention names end in .count are renamed by views.
    assert _promtool_findings(promtool, new) == set()
    assert _promtool_findings(promtool, old) == set()
    # Host metrics move between two collections; their series (names and labels) are the same.
    assert set(_samples(parse_text(new))[1]) == set(_samples(parse_text(old))[1])


def _get(url: str, **headers: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), dict(response.headers)


def test_the_endpoint_negotiates_the_format_and_gzips_on_request(pair: Pair) -> None:
    assert pair.client.prometheus is not None
    url = pair.client.prometheus.url
    body, headers = _get(url)
    assert headers["Content-Type"] == TEXT_CONTENT_TYPE and "Content-Encoding" not in headers
    assert body.startswith(b"# HELP target_info")
    zipped, headers = _get(url, **{"Accept": OPENMETRICS, "Accept-Encoding": "gzip"})
    assert headers["Content-Type"] == OPENMETRICS_CONTENT_TYPE and headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(zipped).decode()
    assert text.endswith("# EOF\n") and "# TYPE aztec_test_blocks counter\n" in text
    # What Prometheus itself sends: OpenMetrics is preferred.
    prometheus_accept = (
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
        "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    )
    _, headers = _get(url, Accept=prometheus_accept)
    assert headers["Content-Type"] == OPENMETRICS_CONTENT_TYPE


def test_with_local_aggregation_off_the_old_reader_still_serves() -> None:
    client = OtelTelemetryClient(
        TelemetryConfig(service_name="sdk", prometheus_port=0, host_metrics=False, local_aggregation=False)
    )
    try:
        assert client.prometheus is not None
        client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION).record(0.2)
        body, headers = _get(client.prometheus.url, **{"Accept-Encoding": "gzip"})
        text = gzip.decompress(body).decode()
        assert 'aztec_circuit_simulation_duration_seconds_count{service_instance_id="' in text
        assert "} 1.0\n" in text  # prometheus_client's float formatting: this is the SDK path
        assert headers["Content-Type"] == TEXT_CONTENT_TYPE
    finally:
        client.stop()


@dataclass
class _FakeExemplar:
    trace_id: int | None
    span_id: int | None
    value: float
    time_unix_nano: int


def test_openmetrics_bucket_lines_carry_a_cells_exemplars() -> None:
    exemplar = _FakeExemplar(0xABC, 0xDEF, 0.2, 1_700_000_000_123_000_000)
    assert exemplar_suffix(exemplar) == (
        ' # {trace_id="00000000000000000000000000000abc",span_id="0000000000000def"} 0.2 1700000000.123'
    )
    labels = _Labels({"service_name": "svc"}, {}, {})
    item = _Histogram(labels, ("0.1", "1.0", "+Inf"), [0, 1, 0], 1, 0.2, [None, exemplar, None])
    family = _Family("x_seconds", "histogram", "X", "seconds", None, histograms=[item])
    text: list[str] = []
    _render_family(text, family, openmetrics=True)
    lines = "".join(text).splitlines()
    assert lines[4] == f'x_seconds_bucket{{le="1.0",service_name="svc"}} 1{exemplar_suffix(exemplar)}'
    assert lines[3] == 'x_seconds_bucket{le="0.1",service_name="svc"} 0'
    plain: list[str] = []
    _render_family(plain, family, openmetrics=False)
    assert " # {" not in "".join(plain)  # the text format has no exemplars
    parsed = list(parse_openmetrics("".join(text) + "# EOF\n"))  # type: ignore[no-untyped-call]
    bucket = next(s for s in parsed[0].samples if s.labels.get("le") == "1.0")
    assert bucket.exemplar is not None and bucket.exemplar.labels["trace_id"].endswith("abc")
