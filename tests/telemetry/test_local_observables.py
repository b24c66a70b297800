"""Observable instruments and host metrics collected without the SDK report what the SDK reports."""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import ObservableCounter
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Gauge,
    InMemoryMetricReader,
    MetricsData,
    NumberDataPoint,
    Sum,
)

from aztec.telemetry import attributes as a
from aztec.telemetry.api import (
    BatchObservableCallback,
    BatchObservableResult,
    ObservableInstrument,
    ObservableResult,
)
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import (
    InstrumentKind,
    ObservableCounterDefinition,
    ObservableUpDownCounterDefinition,
    ValueType,
)
from aztec.telemetry.metrics.mempool import MEMPOOL_PENDING_TXS
from aztec.telemetry.metrics.world_state import DB_MAP_SIZE, DB_NUM_ITEMS
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.otel.local_observables import LocalObservables
from aztec.telemetry.registry import metrics_by_name

CONFIG = TelemetryConfig(service_name="test", host_metrics=False, strict=True)
DELTA = AggregationTemporality.DELTA
QUEUED = ObservableUpDownCounterDefinition(
    "aztec.example.queued", "{operation}", "Operations queued", value_type=ValueType.INT
)
BYTES_READ = ObservableCounterDefinition(
    "aztec.example.bytes_read", "By", "Bytes read so far", value_type=ValueType.INT
)
Points = dict[tuple[str, frozenset[tuple[str, Any]]], tuple[type, bool | None, Any, float]]


def _points(data: MetricsData | None, names: Iterable[str] | None = None) -> Points:
    """(name, attributes) -> (data type, monotonic, temporality, value), for every number point."""
    wanted = set(names) if names is not None else None
    found: Points = {}
    for resource_metrics in data.resource_metrics if data else ():
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                if wanted is not None and metric.name not in wanted:
                    continue
                data_type = type(metric.data)
                monotonic = metric.data.is_monotonic if isinstance(metric.data, Sum) else None
                temporality = metric.data.aggregation_temporality if isinstance(metric.data, Sum) else None
                for point in metric.data.data_points:
                    assert isinstance(point, NumberDataPoint)
                    key = (metric.name, frozenset((point.attributes or {}).items()))
                    assert key not in found, f"{key} reported twice"
                    found[key] = (data_type, monotonic, temporality, point.value)
    return found


class _Clients:
    """Two clients fed the same observations: one collects them locally, one through the SDK."""

    def __init__(self, config: TelemetryConfig) -> None:
        self.readers: list[tuple[InMemoryMetricReader, InMemoryMetricReader]] = []
        self.clients: list[OtelTelemetryClient] = []
        for local in (True, False):
            cumulative = InMemoryMetricReader()
            delta = InMemoryMetricReader(preferred_temporality={ObservableCounter: DELTA})
            self.readers.append((cumulative, delta))
            self.clients.append(
                OtelTelemetryClient(replace(config, local_aggregation=local), extra_readers=[cumulative, delta])
            )

    def stop(self) -> None:
        for client in self.clients:
            client.stop()


@pytest.fixture
def clients() -> Iterator[_Clients]:
    pair = _Clients(CONFIG)
    yield pair
    pair.stop()


def test_same_data_as_the_sdk_for_every_observable_kind_and_temporality(clients: _Clients) -> None:
    collections = [0]

    def pending(result: ObservableResult) -> None:
        result.observe(3 + collections[0])

    def queued(result: ObservableResult) -> None:
        result.observe(-2)
        result.observe(5)  # one attribute set observed twice in one collection: added up, as the SDK does

    def bytes_read(result: ObservableResult) -> None:
        result.observe(1000 * (collections[0] + 1) ** 2)

    def databases(size: ObservableInstrument, count: ObservableInstrument) -> BatchObservableCallback:
        def observe(result: BatchObservableResult) -> None:
            for name, items in (("world_state", 10), ("blocks", 4)):
                result.observe(size, 1 << 30, {a.DB_NAME: name})
                result.observe(count, items * (collections[0] + 1), {a.DB_NAME: name})

        return observe

    for client in clients.clients:
        meter = client.get_meter("T")
        meter.create_observable_gauge(MEMPOOL_PENDING_TXS, pending)
        meter.create_observable_up_down_counter(QUEUED, queued)
        meter.create_observable_counter(BYTES_READ, bytes_read)
        size, count = meter.create_observable_gauge(DB_MAP_SIZE), meter.create_observable_gauge(DB_NUM_ITEMS)
        meter.add_batch_observable_callback(databases(size, count), [size, count])

    names = {MEMPOOL_PENDING_TXS.name, QUEUED.name, BYTES_READ.name, DB_MAP_SIZE.name, DB_NUM_ITEMS.name}
    for collections[0] in range(3):
        (local_cumulative, local_delta), (sdk_cumulative, sdk_delta) = clients.readers
        ours = _points(local_cumulative.get_metrics_data(), names)
        assert ours == _points(sdk_cumulative.get_metrics_data(), names)
        deltas = _points(local_delta.get_metrics_data(), names)
        assert deltas == _points(sdk_delta.get_metrics_data(), names)
        assert ours[(MEMPOOL_PENDING_TXS.name, frozenset())] == (Gauge, None, None, 3 + collections[0])
        assert ours[(QUEUED.name, frozenset())] == (Sum, False, AggregationTemporality.CUMULATIVE, 3)
        assert ours[(BYTES_READ.name, frozenset())][3] == 1000 * (collections[0] + 1) ** 2
        assert deltas[(BYTES_READ.name, frozenset())] == (Sum, True, DELTA, [1000, 3000, 5000][collections[0]])
        assert len(ours) == 7


def test_an_observable_counter_turns_into_deltas_for_a_delta_reader() -> None:
    observables = LocalObservables(metrics_by_name())
    total = [100]
    observables.add(
        "T",
        "aztec.test.bytes",
        "By",
        "Bytes so far",
        InstrumentKind.OBSERVABLE_COUNTER,
        [lambda options: [Observation(total[0], {"device": "sda"})]],
    )
    delta_reader = InMemoryMetricReader(preferred_temporality={ObservableCounter: DELTA})
    cumulative_reader = InMemoryMetricReader()
    observables.attach(delta_reader)
    observables.attach(cumulative_reader)
    reported = []
    for step in (0, 40, 60):
        total[0] += step
        (delta,) = observables.produce(delta_reader)
        (cumulative,) = observables.produce(cumulative_reader)
        delta_point, cumulative_point = delta.metrics[0].data.data_points[0], cumulative.metrics[0].data.data_points[0]
        assert isinstance(delta_point, NumberDataPoint) and isinstance(cumulative_point, NumberDataPoint)
        reported.append((delta_point.value, cumulative_point.value))
        assert cumulative_point.start_time_unix_nano <= delta_point.start_time_unix_nano < delta_point.time_unix_nano
    assert reported == [(100, 100), (40, 140), (60, 200)]


def test_generator_callbacks_through_the_api_are_collected() -> None:
    observables = LocalObservables(metrics_by_name())

    def readings() -> Generator[Iterable[Observation], CallbackOptions, None]:
        options = yield []
        while True:
            assert isinstance(options, CallbackOptions)
            options = yield [Observation(7, {"state": "used"})]

    meter = observables.meter_provider({"old.name": "new.name"}).get_meter("instrumentation")
    meter.create_observable_gauge("old.name", callbacks=[readings()], unit="By")
    meter.create_histogram("a.histogram").record(1.0)  # a synchronous instrument here is a no-op
    (observed,) = observables.observe()
    assert (observed.instrument.scope, observed.instrument.name, observed.instrument.unit) == (
        "instrumentation",
        "new.name",
        "By",
    )
    assert [(dict(p.attributes), p.value) for p in observed.points] == [({"state": "used"}, 7)]


def test_a_failing_callback_is_reported_once_and_the_others_still_collected(caplog: pytest.LogCaptureFixture) -> None:
    observables = LocalObservables(metrics_by_name())

    def broken(options: CallbackOptions) -> Iterable[Observation]:
        raise RuntimeError("the database is closed")

    observables.add("T", "aztec.test.broken", "1", "", InstrumentKind.OBSERVABLE_GAUGE, [broken])
    observables.add("T", "aztec.test.fine", "1", "", InstrumentKind.OBSERVABLE_GAUGE, [lambda o: [Observation(1)]])
    with caplog.at_level(logging.WARNING, logger="aztec.telemetry"):
        for _ in range(3):
            assert [item.instrument.name for item in observables.observe()] == ["aztec.test.fine"]
    assert caplog.text.count("the callback of observable aztec.test.broken failed") == 1
    assert "the database is closed" in caplog.text


def test_host_metrics_are_the_same_series_as_through_the_sdk() -> None:
    pair = _Clients(replace(CONFIG, host_metrics=True))
    try:
        (local, _), (sdk, _) = pair.readers
        ours, theirs = _points(local.get_metrics_data()), _points(sdk.get_metrics_data())
        host = {key for key in theirs if key[0].startswith(("process.", "system.", "cpython."))}
        assert len(host) > 20
        assert {key for key in ours if key in host or key[0].startswith(("process.", "system.", "cpython."))} == host
        for key in host:
            assert ours[key][:3] == theirs[key][:3], key  # the same kind and temporality (values move)
    finally:
        pair.stop()
