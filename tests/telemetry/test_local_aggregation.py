"""Local aggregation reports what the OpenTelemetry SDK would, to every reader, in its temporality."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider, UpDownCounter
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    HistogramDataPoint,
    InMemoryMetricReader,
    MetricsData,
    NumberDataPoint,
)
from opentelemetry.sdk.resources import Resource

from aztec.telemetry import attributes as a
from aztec.telemetry.api import ObservableResult
from aztec.telemetry.buckets import SECONDS
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import gauge
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.mempool import MEMPOOL_PENDING_TXS
from aztec.telemetry.otel.cells import PENDING_LIMIT, HistogramCell, PendingValues, refusal
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.otel.guard import AttributeGuard
from aztec.telemetry.otel.instruments import OtelHistogram
from aztec.telemetry.otel.local_instruments import LocalHistogram
from aztec.telemetry.otel.local_series import OVERFLOW_ATTRIBUTES, CardinalityLimitError, LocalMetric
from aztec.telemetry.otel.pending_folder import PENDING_FOLDER
from aztec.telemetry.otel.sdk_bridge import install_producer, temporalities
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.telemetry.example_metrics import EXAMPLE_IN_FLIGHT, EXAMPLE_OPERATION, EXAMPLE_OPERATION_COUNT

BASE = {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"}
MERGE = {a.PROTOCOL_CIRCUIT_NAME: "merge-rollup"}
HASH = {EXAMPLE_OPERATION: "hash"}
CONFIG = TelemetryConfig(service_name="test", host_metrics=False, strict=True)
DELTA = AggregationTemporality.DELTA
TEST_GAUGE = gauge("aztec.test.level", "1", "A synchronous gauge (the registry has none yet)")


def _points(data: MetricsData | None, name: str) -> dict[frozenset[tuple[str, Any]], Any]:
    found: dict[frozenset[tuple[str, Any]], Any] = {}
    for resource_metrics in data.resource_metrics if data else ():
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                if metric.name == name:
                    for point in metric.data.data_points:
                        found[frozenset((point.attributes or {}).items())] = point
    return found


def _comparable(point: Any) -> tuple[Any, ...]:
    if isinstance(point, HistogramDataPoint):
        return (point.count, point.sum, tuple(point.bucket_counts), tuple(point.explicit_bounds), point.min, point.max)
    assert isinstance(point, NumberDataPoint)
    return (point.value,)


@pytest.fixture
def clients() -> Iterator[tuple[InMemoryTelemetryClient, InMemoryTelemetryClient]]:
    local = InMemoryTelemetryClient(CONFIG)
    through_sdk = InMemoryTelemetryClient(replace(CONFIG, local_aggregation=False))
    yield local, through_sdk
    local.stop()
    through_sdk.stop()


def test_local_aggregation_is_the_default_and_can_be_turned_off(
    clients: tuple[InMemoryTelemetryClient, InMemoryTelemetryClient],
) -> None:
    local, through_sdk = clients
    assert TelemetryConfig().local_aggregation
    assert isinstance(local.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION), LocalHistogram)
    assert isinstance(through_sdk.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION), OtelHistogram)


def test_same_data_as_the_sdk_for_every_synchronous_kind(
    clients: tuple[InMemoryTelemetryClient, InMemoryTelemetryClient],
) -> None:
    values = [0.0, 0.0001, 0.00025, 0.0003, 0.5, 0.5, 2.0, 400.0]  # on bounds, between, past the last
    for client in clients:
        meter = client.get_meter("T")
        histogram = meter.create_histogram(CIRCUIT_SIMULATION_DURATION)
        for value in values:
            histogram.record(value, BASE)
        histogram.bind(MERGE).record(0.01)
        counter = meter.create_counter(EXAMPLE_OPERATION_COUNT)
        counter.add(2, HASH)
        counter.bind(HASH).add()
        counter.add(1)
        up_down = meter.create_up_down_counter(EXAMPLE_IN_FLIGHT)
        up_down.add(5)
        up_down.add(-7)
        meter.create_gauge(TEST_GAUGE).set(3)
    local, through_sdk = (client.collect() for client in clients)
    for definition in (CIRCUIT_SIMULATION_DURATION, EXAMPLE_OPERATION_COUNT, EXAMPLE_IN_FLIGHT, TEST_GAUGE):
        ours, theirs = _points(local, definition.name), _points(through_sdk, definition.name)
        assert ours.keys() == theirs.keys(), definition.name
        assert ours, definition.name
        for key, point in ours.items():
            assert _comparable(point) == _comparable(theirs[key]), (definition.name, key)
    base = _points(local, CIRCUIT_SIMULATION_DURATION.name)[frozenset({(str(a.PROTOCOL_CIRCUIT_NAME), "base-rollup")})]
    assert base.bucket_counts[SECONDS.index(0.0001)] == 2  # 0.0 and 0.0001: a value on a bound is in its bucket
    assert base.bucket_counts[-1] == 1  # 400 s, past the last bound


def test_one_scope_holds_local_and_observable_metrics(telemetry: InMemoryTelemetryClient) -> None:
    meter = telemetry.get_meter("Pool")
    meter.create_counter(EXAMPLE_OPERATION_COUNT).add(1, HASH)

    def observe(result: ObservableResult) -> None:
        result.observe(7)

    meter.create_observable_gauge(MEMPOOL_PENDING_TXS, observe)
    scopes = [sm for rm in telemetry.collect().resource_metrics for sm in rm.scope_metrics if sm.scope.name == "Pool"]
    assert len(scopes) == 1
    assert {m.name for m in scopes[0].metrics} == {EXAMPLE_OPERATION_COUNT.name, MEMPOOL_PENDING_TXS.name}


def test_cumulative_and_delta_readers_each_get_their_own_view() -> None:
    delta_reader = InMemoryMetricReader(preferred_temporality={Histogram: DELTA, Counter: DELTA, UpDownCounter: DELTA})
    cumulative_reader = InMemoryMetricReader()
    both = OtelTelemetryClient(CONFIG, extra_readers=[cumulative_reader, delta_reader])
    try:
        assert temporalities(delta_reader)[CIRCUIT_SIMULATION_DURATION.kind] is DELTA
        meter = both.get_meter("T")
        histogram, counter = (
            meter.create_histogram(CIRCUIT_SIMULATION_DURATION),
            meter.create_counter(EXAMPLE_OPERATION_COUNT),
        )
        histogram.record(1.0, BASE)
        counter.add(2, HASH)
        first_delta = delta_reader.get_metrics_data()
        histogram.record(3.0, BASE)
        counter.add(5, HASH)
        cumulative = cumulative_reader.get_metrics_data()
        second_delta = delta_reader.get_metrics_data()
        third_delta = delta_reader.get_metrics_data()

        def histogram_of(data: MetricsData | None) -> tuple[int, float, float, float] | None:
            points = list(_points(data, CIRCUIT_SIMULATION_DURATION.name).values())
            return (points[0].count, points[0].sum, points[0].min, points[0].max) if points else None

        def counter_of(data: MetricsData | None) -> float | None:
            points = list(_points(data, EXAMPLE_OPERATION_COUNT.name).values())
            return points[0].value if points else None

        assert histogram_of(first_delta) == (1, 1.0, 1.0, 1.0)
        assert histogram_of(second_delta) == (1, 3.0, 3.0, 3.0)  # only what came after the first delta
        assert histogram_of(third_delta) is None  # nothing new, nothing reported
        assert histogram_of(cumulative) == (2, 4.0, 1.0, 3.0)
        assert (counter_of(first_delta), counter_of(second_delta), counter_of(cumulative)) == (2, 5, 7)
    finally:
        both.stop()


def test_the_pending_folder_bounds_what_bound_records_leave_pending(telemetry: InMemoryTelemetryClient) -> None:
    meter = telemetry.get_meter("T")
    bound_histogram = meter.create_histogram(CIRCUIT_SIMULATION_DURATION).bind(BASE)
    bound_counter = meter.create_counter(EXAMPLE_OPERATION_COUNT).bind(HASH)
    for _ in range(2 * PENDING_LIMIT):
        bound_histogram.record(0.5)
        bound_counter.add(3)
    assert isinstance(bound_histogram, PendingValues) and len(bound_histogram) == 2 * PENDING_LIMIT
    PENDING_FOLDER.fold_now()  # what the folder's thread does once a second, for every live client
    assert len(bound_histogram) == 0
    assert isinstance(bound_counter, PendingValues) and len(bound_counter) == 0
    assert telemetry.histogram(CIRCUIT_SIMULATION_DURATION, BASE).count == 2 * PENDING_LIMIT
    assert telemetry.counter_value(EXAMPLE_OPERATION_COUNT, HASH) == 6 * PENDING_LIMIT


def test_gauge_keeps_its_last_value_for_cumulative_readers(telemetry: InMemoryTelemetryClient) -> None:
    telemetry.get_meter("T").create_gauge(TEST_GAUGE).set(4)
    assert telemetry.gauge_value(TEST_GAUGE) == 4
    assert telemetry.gauge_value(TEST_GAUGE) == 4  # still there at the next collection


def test_a_metric_created_twice_in_one_scope_shares_its_series(telemetry: InMemoryTelemetryClient) -> None:
    first = telemetry.get_meter("WorldState").create_counter(EXAMPLE_OPERATION_COUNT)
    second = telemetry.get_meter("WorldState").create_counter(EXAMPLE_OPERATION_COUNT)
    first.add(1, HASH)
    second.add(2, HASH)
    assert [s.point.value for s in telemetry.series(EXAMPLE_OPERATION_COUNT)] == [3]


def test_attribute_order_does_not_split_a_series(telemetry: InMemoryTelemetryClient) -> None:
    histogram = telemetry.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
    histogram.record(1.0, {a.PROTOCOL_CIRCUIT_NAME: "base-rollup", a.PROVER_TYPE: "native"})
    histogram.record(1.0, {a.PROVER_TYPE: "native", a.PROTOCOL_CIRCUIT_NAME: "base-rollup"})
    assert len(telemetry.series(CIRCUIT_SIMULATION_DURATION)) == 1
    assert telemetry.histogram(CIRCUIT_SIMULATION_DURATION).count == 2


def test_concurrent_records_and_collections_lose_nothing(telemetry: InMemoryTelemetryClient) -> None:
    meter = telemetry.get_meter("T")
    histogram, counter = (
        meter.create_histogram(CIRCUIT_SIMULATION_DURATION),
        meter.create_counter(EXAMPLE_OPERATION_COUNT),
    )
    bound = histogram.bind(BASE)
    threads_n, per_thread = 4, 20_000
    done = threading.Event()

    def work() -> None:
        for i in range(per_thread):
            bound.record(0.001 * (i % 7))
            counter.add(1, HASH)

    def collect_meanwhile() -> None:
        while not done.is_set():
            telemetry.collect()

    collector = threading.Thread(target=collect_meanwhile)
    collector.start()
    workers = [threading.Thread(target=work) for _ in range(threads_n)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    done.set()
    collector.join()
    assert telemetry.histogram(CIRCUIT_SIMULATION_DURATION).count == threads_n * per_thread
    assert telemetry.counter_value(EXAMPLE_OPERATION_COUNT) == threads_n * per_thread


def test_negative_values_are_refused_on_monotonic_instruments_with_one_warning(
    telemetry: InMemoryTelemetryClient, caplog: pytest.LogCaptureFixture
) -> None:
    meter = telemetry.get_meter("T")
    histogram, counter = (
        meter.create_histogram(CIRCUIT_SIMULATION_DURATION),
        meter.create_counter(EXAMPLE_OPERATION_COUNT),
    )
    with caplog.at_level(logging.WARNING, logger="aztec.telemetry"):
        for _ in range(3):
            histogram.record(-1.0, BASE)
            histogram.record(float("nan"), BASE)
            counter.add(-1, HASH)
    histogram.record(1.0, BASE)
    counter.add(1, HASH)
    assert telemetry.histogram(CIRCUIT_SIMULATION_DURATION).count == 1
    assert telemetry.counter_value(EXAMPLE_OPERATION_COUNT) == 1
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2, warnings
    assert any(CIRCUIT_SIMULATION_DURATION.name in w for w in warnings)


def _metric(strict: bool) -> LocalMetric[HistogramCell]:
    refuse = refusal(CIRCUIT_SIMULATION_DURATION.name, "histogram")
    return LocalMetric(
        "T", CIRCUIT_SIMULATION_DURATION, lambda: HistogramCell(SECONDS, refuse), AttributeGuard(strict=strict), 2
    )


def test_past_the_cardinality_limit_records_go_to_the_overflow_series(caplog: pytest.LogCaptureFixture) -> None:
    metric = _metric(strict=False)
    histogram = LocalHistogram(metric)
    with caplog.at_level(logging.WARNING, logger="aztec.telemetry"):
        for name in ("base-rollup", "merge-rollup", "root-rollup", "block-root-rollup", "root-rollup"):
            histogram.record(1.0, {a.PROTOCOL_CIRCUIT_NAME: name})
    series = {frozenset(s.attributes.items()): s for s in metric.series()}
    assert len(series) == 3
    overflow = series[frozenset(OVERFLOW_ATTRIBUTES.items())].cell.drain()
    assert overflow is not None and sum(overflow.bucket_counts) == 3
    assert len(caplog.records) == 1 and "overflow" in caplog.records[0].getMessage()


def test_past_the_cardinality_limit_strict_mode_raises() -> None:
    histogram = LocalHistogram(_metric(strict=True))
    histogram.record(1.0, {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"})
    histogram.record(1.0, {a.PROTOCOL_CIRCUIT_NAME: "merge-rollup"})
    with pytest.raises(CardinalityLimitError, match=CIRCUIT_SIMULATION_DURATION.name):
        histogram.record(1.0, {a.PROTOCOL_CIRCUIT_NAME: "root-rollup"})


def test_the_sdk_hook_needs_a_registered_reader() -> None:
    """Pins the SDK internals the bridge uses: an SDK upgrade that moves them fails here, not in production."""
    reader = InMemoryMetricReader()
    with pytest.raises(RuntimeError, match="registered"):
        install_producer(reader, lambda _reader: [], Resource.create({}))
    provider = MeterProvider(metric_readers=[reader])
    install_producer(reader, lambda _reader: [], Resource.create({}))
    provider.get_meter("m").create_counter("c").add(1)
    assert _points(reader.get_metrics_data(), "c")
    provider.shutdown()
