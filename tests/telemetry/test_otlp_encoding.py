"""Our OTLP/protobuf metrics encoder against the SDK's: every request parses to the message the SDK would send.

The SDK's ``encode_metrics`` is the reference: each test encodes the same ``MetricsData`` both ways and
compares the parsed messages (field order on the wire may differ; the meaning may not).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.sdk.metrics import Exemplar
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Buckets,
    ExponentialHistogram,
    ExponentialHistogramDataPoint,
    Gauge,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricExportResult,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from aztec.telemetry import attributes as a
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.exporters.otlp import OtlpHttpMetricExporter, build_otlp_exporter
from aztec.telemetry.exporters.otlp_encoding import MetricsRequestEncoder
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION, CIRCUIT_SIMULATION_INPUT_SIZE
from aztec.telemetry.metrics.mempool import MEMPOOL_PENDING_TXS, MEMPOOL_TX_ADDED_COUNT
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.trace_settings import SamplerSettings
from tests.support.otlp_receivers import OtlpHttpReceiver

_CUMULATIVE, _DELTA = AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA
T0, T1 = 1_700_000_000_000_000_000, 1_700_000_001_000_000_000


def _data(*metrics: Metric, resource: Resource | None = None, scope: InstrumentationScope | None = None) -> MetricsData:
    return MetricsData(
        resource_metrics=[
            ResourceMetrics(
                resource=resource or Resource({"service.name": "aztec-node"}),
                scope_metrics=[
                    ScopeMetrics(scope=scope or InstrumentationScope("Tests"), metrics=list(metrics), schema_url="")
                ],
                schema_url="",
            )
        ]
    )


def assert_encodes_as_the_sdk(data: MetricsData, encoder: MetricsRequestEncoder | None = None) -> None:
    ours = ExportMetricsServiceRequest.FromString((encoder or MetricsRequestEncoder()).encode(data))
    assert ours == encode_metrics(data)


def _histogram_point(attributes: dict[str, Any], **overrides: Any) -> HistogramDataPoint:
    fields: dict[str, Any] = {
        "attributes": attributes,
        "start_time_unix_nano": T0,
        "time_unix_nano": T1,
        "count": 6,
        "sum": 2.5,
        "bucket_counts": (1, 0, 5, 0),
        "explicit_bounds": (0.1, 1.0, 10.0),
        "min": 0.05,
        "max": 9.0,
        "exemplars": [],
    }
    fields.update(overrides)
    return HistogramDataPoint(**fields)


def _exponential_point(**overrides: Any) -> ExponentialHistogramDataPoint:
    fields: dict[str, Any] = {
        "attributes": {"aztec.circuit.protocol_circuit_name": "base-rollup"},
        "start_time_unix_nano": T0,
        "time_unix_nano": T1,
        "count": 9,
        "sum": 3.25,
        "scale": -2,
        "zero_count": 1,
        "positive": Buckets(offset=-3, bucket_counts=[1, 0, 300, 2**40]),
        "negative": Buckets(offset=0, bucket_counts=[]),
        "flags": 0,
        "min": 0.0,
        "max": 2.0,
        "exemplars": [],
    }
    fields.update(overrides)
    return ExponentialHistogramDataPoint(**fields)


EXEMPLARS = [
    Exemplar({"aztec.tx.hash": "0xab"}, 0.25, T1, span_id=0x1122334455667788, trace_id=2**127 + 5),
    Exemplar({}, 7, T1 - 5, span_id=None, trace_id=None),
]


def test_every_kind_of_metric_encodes_as_the_sdk_encodes() -> None:
    metrics = [
        Metric("gauge.double", "A gauge", "s", Gauge([NumberDataPoint({"k": "v"}, T0, T1, 0.0)])),
        Metric("gauge.int", "", "", Gauge([NumberDataPoint({}, 0, T1, -(2**63)), NumberDataPoint({"a": 1}, 0, T1, 3)])),
        Metric(
            "sum.monotonic",
            "Counted",
            "{tx}",
            Sum([NumberDataPoint({"k": "v"}, T0, T1, 2**63 - 1, exemplars=EXEMPLARS)], _CUMULATIVE, True),
        ),
        Metric("sum.up_down", "", "By", Sum([NumberDataPoint({}, T0, T1, -4.5)], _DELTA, False)),
        Metric("sum.no_points", "Nothing yet", "", Sum([], _CUMULATIVE, True)),
        Metric("histogram.none", "", "s", Histogram([], _DELTA)),
        Metric(
            "histogram",
            "Durations",
            "s",
            Histogram(
                [
                    _histogram_point({"phase": "setup"}),
                    _histogram_point({"phase": "app"}, exemplars=EXEMPLARS),
                    _histogram_point({}, count=0, sum=0.0, bucket_counts=(0, 0, 0, 0), min=None, max=None),
                    _histogram_point(
                        {"phase": "empty"}, sum=None, bucket_counts=(), explicit_bounds=(), start_time_unix_nano=0
                    ),
                ],
                _CUMULATIVE,
            ),
        ),
        Metric(
            "exponential",
            "Base-2",
            "s",
            ExponentialHistogram(
                [
                    _exponential_point(),
                    _exponential_point(
                        scale=3,
                        zero_count=0,
                        negative=Buckets(offset=2, bucket_counts=[4]),
                        flags=1,
                        exemplars=EXEMPLARS,
                    ),
                    _exponential_point(count=0, sum=0.0, scale=0, positive=Buckets(0, []), zero_count=0),
                ],
                _DELTA,
            ),
        ),
    ]
    scope = InstrumentationScope("WorldState", "1.2.3", "https://opentelemetry.io/schemas/1.26.0", {"scope.kind": "x"})
    resource = Resource({"service.name": "aztec-node", "service.instance.id": "n1"}, "https://schema.example/1")
    assert_encodes_as_the_sdk(_data(*metrics, resource=resource, scope=scope))


def test_several_resources_and_scopes_encode_as_the_sdk_encodes() -> None:
    gauge = Metric("g", "", "", Gauge([NumberDataPoint({}, 0, T1, 1)]))
    data = MetricsData(
        resource_metrics=[
            ResourceMetrics(
                Resource({"service.name": name}),
                [ScopeMetrics(InstrumentationScope(scope), [gauge], "") for scope in ("A", "B", "")],
                "",
            )
            for name in ("first", "second")
        ]
    )
    assert_encodes_as_the_sdk(data)


def test_an_empty_collection_encodes_as_the_sdk_encodes() -> None:
    assert_encodes_as_the_sdk(MetricsData(resource_metrics=[]))
    assert_encodes_as_the_sdk(_data())


def test_cached_attribute_sets_and_bounds_stay_right_across_collections() -> None:
    encoder = MetricsRequestEncoder()
    for round_ in range(3):
        points = [
            _histogram_point(
                {"phase": phase, "round": round_ % 2}, explicit_bounds=bounds, bucket_counts=(1,) * (len(bounds) + 1)
            )
            for phase in ("setup", "app")
            for bounds in ((0.1,), (0.1, 1.0), (1.0, 0.1))
        ]
        assert_encodes_as_the_sdk(_data(Metric("h", "", "s", Histogram(points, _CUMULATIVE))), encoder)


_scalars = st.one_of(
    st.booleans(),
    st.text(max_size=12),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.binary(max_size=8),
)
_attribute_values = st.one_of(
    _scalars,
    st.lists(st.text(max_size=5), max_size=3),
    st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=3),
    st.lists(st.floats(allow_nan=False), max_size=3),
    st.lists(st.booleans(), max_size=3),
)
_attributes = st.dictionaries(st.text(max_size=10), _attribute_values, max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    attributes=_attributes,
    value=st.one_of(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(allow_nan=False)),
    counts=st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=6),
    times=st.tuples(st.integers(min_value=0, max_value=2**64 - 1), st.integers(min_value=0, max_value=2**64 - 1)),
    scale=st.integers(min_value=-10, max_value=20),
    offset=st.integers(min_value=-(2**31), max_value=2**31 - 1),
)
def test_random_points_encode_as_the_sdk_encodes(
    attributes: dict[str, Any], value: float, counts: list[int], times: tuple[int, int], scale: int, offset: int
) -> None:
    """One encoder for every example, as an exporter keeps one: its caches must never answer for another set."""
    start, now = times
    bounds = tuple(float(i) for i in range(max(len(counts) - 1, 0)))
    metrics = [
        Metric("gauge", "", "", Gauge([NumberDataPoint(attributes, start, now, value)])),
        Metric("sum", "", "", Sum([NumberDataPoint(attributes, start, now, value)], _DELTA, value == 0)),
        Metric(
            "histogram",
            "",
            "",
            Histogram(
                [
                    _histogram_point(
                        attributes,
                        start_time_unix_nano=start,
                        time_unix_nano=now,
                        count=sum(counts) % 2**64,
                        bucket_counts=tuple(counts),
                        explicit_bounds=bounds,
                        sum=float(value),
                    )
                ],
                _CUMULATIVE,
            ),
        ),
        Metric(
            "exponential",
            "",
            "",
            ExponentialHistogram(
                [
                    _exponential_point(
                        attributes=attributes,
                        scale=scale,
                        positive=Buckets(offset, counts),
                        negative=Buckets(-offset - 1, counts[:2]),
                    )
                ],
                _CUMULATIVE,
            ),
        ),
    ]
    assert_encodes_as_the_sdk(_data(*metrics), SHARED_ENCODER)


SHARED_ENCODER = MetricsRequestEncoder()


def test_equal_attribute_values_of_other_types_are_not_confused_by_the_cache() -> None:
    encoder = MetricsRequestEncoder()
    for value in (True, 1, 1.0, "1", 0, False, 0.0, -0.0):
        gauge = Metric("g", "", "", Gauge([NumberDataPoint({"a": value, "b": "x"}, 0, T1, 1)]))
        assert_encodes_as_the_sdk(_data(gauge), encoder)
    for sequence in ((1, 2), (True, 2), (1.0, 2.0)):  # sequences are encoded every time
        gauge = Metric("g", "", "", Gauge([NumberDataPoint({"a": sequence}, 0, T1, 1)]))
        assert_encodes_as_the_sdk(_data(gauge), encoder)


def test_an_attribute_the_sdk_cannot_encode_is_left_out_as_the_sdk_leaves_it(caplog: pytest.LogCaptureFixture) -> None:
    unencodable: dict[str, Any] = {"kept": "yes", "too.big": 2**64, "odd": object()}
    points = [NumberDataPoint(unencodable, T0, T1, 1)]
    data = _data(Metric("sum", "", "", Sum(points, _CUMULATIVE, True)))
    with caplog.at_level(logging.ERROR):
        assert_encodes_as_the_sdk(data)
    assert "Failed to encode key too.big" in caplog.text and "Failed to encode key odd" in caplog.text


@pytest.mark.parametrize(
    "metric",
    [
        Metric("sum", "", "", Sum([NumberDataPoint({}, T0, T1, 2**63)], _CUMULATIVE, True)),
        Metric("gauge", "", "", Gauge([NumberDataPoint({}, T0, T1, -(2**63) - 1)])),
        Metric("exponential", "", "", ExponentialHistogram([_exponential_point(positive=Buckets(2**31, [1]))], _DELTA)),
        Metric("exponential", "", "", ExponentialHistogram([_exponential_point(scale=-(2**31) - 1)], _DELTA)),
    ],
    ids=["sum", "gauge", "offset", "scale"],
)
def test_a_value_out_of_otlps_range_fails_as_it_fails_the_sdk(metric: Metric) -> None:
    with pytest.raises(Exception, match="out of range"):
        encode_metrics(_data(metric))
    with pytest.raises(ValueError, match="out of range"):
        MetricsRequestEncoder().encode(_data(metric))


def test_the_http_metric_exporter_is_ours_and_the_grpc_one_the_sdks(http_receiver: OtlpHttpReceiver) -> None:
    assert isinstance(build_otlp_exporter(OtlpExport(http_receiver.endpoint)), OtlpHttpMetricExporter)
    grpc = build_otlp_exporter(OtlpExport("http://127.0.0.1:9", "grpc"))
    assert not isinstance(grpc, OtlpHttpMetricExporter)
    grpc.shutdown()


def test_a_number_too_large_for_otlp_fails_the_export_and_sends_nothing(
    http_receiver: OtlpHttpReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    exporter = build_otlp_exporter(OtlpExport(http_receiver.endpoint, timeout_ms=5000))
    data = _data(Metric("sum", "", "", Sum([NumberDataPoint({}, T0, T1, 2**64)], _CUMULATIVE, True)))
    with caplog.at_level(logging.ERROR):
        assert exporter.export(data) is MetricExportResult.FAILURE
    assert "Failed to encode metrics batch" in caplog.text
    assert http_receiver.requests == []
    exporter.shutdown()


def test_with_a_batch_size_the_sdks_own_export_splits_the_request(http_receiver: OtlpHttpReceiver) -> None:
    exporter = OtlpHttpMetricExporter(endpoint=http_receiver.endpoint, timeout=5, max_export_batch_size=1)
    gauges = [Metric(f"g{i}", "", "", Gauge([NumberDataPoint({}, 0, T1, i)])) for i in range(3)]
    assert exporter.export(_data(*gauges)) is MetricExportResult.SUCCESS
    assert len(http_receiver.requests) == 3
    exporter.shutdown()


@pytest.mark.parametrize(
    ("temporality", "aggregation", "traces"),
    [
        ("cumulative", "explicit_bucket_histogram", False),
        ("delta", "base2_exponential_bucket_histogram", False),
        ("cumulative", "explicit_bucket_histogram", True),
    ],
)
def test_a_real_clients_exports_are_what_the_sdk_would_send(
    http_receiver: OtlpHttpReceiver, monkeypatch: pytest.MonkeyPatch, temporality: str, aggregation: str, traces: bool
) -> None:
    """A client with host metrics (and exemplars, with traces on) posts to a receiver on 127.0.0.1; every
    request it received is the SDK's encoding of the collection the exporter was given."""
    given: list[MetricsData] = []
    export = OtlpHttpMetricExporter.export

    def keep(self: OtlpHttpMetricExporter, metrics_data: MetricsData, *args: Any, **kwargs: Any) -> MetricExportResult:
        given.append(metrics_data)
        return export(self, metrics_data, *args, **kwargs)

    monkeypatch.setattr(OtlpHttpMetricExporter, "export", keep)
    config = TelemetryConfig(
        service_name="aztec-node",
        otlp_metrics=OtlpExport(http_receiver.endpoint, timeout_ms=5000),
        metrics_temporality=temporality,
        histogram_aggregation=aggregation,
        host_metrics=True,
        otlp_traces=OtlpExport(http_receiver.traces_endpoint, timeout_ms=5000) if traces else None,
        trace_sampler=SamplerSettings("parentbased_always_on", 1.0),
    )
    client = OtelTelemetryClient(config, probe_otlp=False)
    meter = client.get_meter("TestCircuitProver")
    duration = meter.create_histogram(CIRCUIT_SIMULATION_DURATION)
    sizes = meter.create_histogram(CIRCUIT_SIMULATION_INPUT_SIZE)
    added = meter.create_counter(MEMPOOL_TX_ADDED_COUNT)
    meter.create_observable_gauge(MEMPOOL_PENDING_TXS, lambda result: result.observe(3))
    tracer = client.get_tracer("TestCircuitProver")
    try:
        for round_ in range(2):
            with tracer.span("prove"):
                for value in (0.001, 0.02, 0.3 * (round_ + 1)):
                    duration.record(value, {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"})
                sizes.record(1024 + round_)
                added.add(2)
            assert client.flush(timeout_s=10)
    finally:
        client.stop()
    assert len(given) >= 2 and len(http_receiver.requests) == len(given)
    for received, data in zip(http_receiver.requests, given, strict=True):
        assert received == encode_metrics(data)
    names = {
        metric.name
        for request in http_receiver.requests
        for rm in request.resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
    }
    assert {CIRCUIT_SIMULATION_DURATION.name, MEMPOOL_PENDING_TXS.name, "process.cpu.time"} <= names
