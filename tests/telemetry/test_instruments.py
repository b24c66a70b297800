"""Instruments created from registry definitions record what they are given."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry.api import BatchObservableResult, ObservableResult
from aztec.telemetry.buckets import BYTES, COUNTS, SECONDS, boundaries_for
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION, CIRCUIT_SIMULATION_INPUT_SIZE
from aztec.telemetry.metrics.mempool import MEMPOOL_CAPACITY, MEMPOOL_PENDING_TXS
from aztec.telemetry.metrics.runtime import EVENT_LOOP_LAG
from aztec.telemetry.metrics.sequencer import SEQUENCER_BLOCK_TX_COUNT, SEQUENCER_STATE
from aztec.telemetry.metrics.world_state import DB_MAP_SIZE, DB_NUM_ITEMS
from aztec.telemetry.otel.meter import InstrumentKindError
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.telemetry.example_metrics import EXAMPLE_IN_FLIGHT, EXAMPLE_OPERATION, EXAMPLE_OPERATION_COUNT

BASE = {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"}
MERGE = {a.PROTOCOL_CIRCUIT_NAME: "merge-rollup"}


def test_histogram_records_per_attribute_set(telemetry: InMemoryTelemetryClient) -> None:
    histogram = telemetry.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
    histogram.record(0.002, BASE)
    histogram.record(0.004, BASE)
    histogram.bind(MERGE).record(1.5)
    base = telemetry.histogram(CIRCUIT_SIMULATION_DURATION, BASE)
    assert base.count == 2
    assert base.sum == pytest.approx(0.006)
    assert base.bounds == SECONDS
    assert base.bucket_counts[SECONDS.index(0.0025)] == 1  # 0.002 <= 0.0025
    assert base.bucket_counts[SECONDS.index(0.005)] == 1
    assert telemetry.histogram(CIRCUIT_SIMULATION_DURATION).count == 3


def test_bucket_boundaries_follow_the_unit_unless_overridden() -> None:
    assert boundaries_for(CIRCUIT_SIMULATION_DURATION) == SECONDS
    assert boundaries_for(CIRCUIT_SIMULATION_INPUT_SIZE) == BYTES
    assert BYTES[0] == 32 and BYTES[-1] == 16 * 1024 * 1024
    assert boundaries_for(SEQUENCER_BLOCK_TX_COUNT) == COUNTS
    assert EVENT_LOOP_LAG.buckets is not None
    assert boundaries_for(EVENT_LOOP_LAG) == EVENT_LOOP_LAG.buckets
    assert SECONDS[0] <= 0.0001 and SECONDS[-1] >= 60


def test_counter_and_up_down_counter(telemetry: InMemoryTelemetryClient) -> None:
    meter = telemetry.get_meter("T")
    count = meter.create_counter(EXAMPLE_OPERATION_COUNT)
    count.add(2, {EXAMPLE_OPERATION: "hash"})
    count.bind({EXAMPLE_OPERATION: "hash"}).add()
    count.add(1, {EXAMPLE_OPERATION: "sleep"})
    assert telemetry.counter_value(EXAMPLE_OPERATION_COUNT, {EXAMPLE_OPERATION: "hash"}) == 3
    assert telemetry.counter_value(EXAMPLE_OPERATION_COUNT) == 4
    in_flight = meter.create_up_down_counter(EXAMPLE_IN_FLIGHT)
    in_flight.add(3)
    in_flight.add(-2)
    assert telemetry.counter_value(EXAMPLE_IN_FLIGHT) == 1


def test_observable_gauge_with_its_own_callback(telemetry: InMemoryTelemetryClient) -> None:
    pool = [1, 2, 3]

    def observe(result: ObservableResult) -> None:
        result.observe(len(pool))

    telemetry.get_meter("T").create_observable_gauge(MEMPOOL_PENDING_TXS, observe)
    assert telemetry.gauge_value(MEMPOOL_PENDING_TXS) == 3
    pool.append(4)
    assert telemetry.gauge_value(MEMPOOL_PENDING_TXS) == 4


def test_batch_callback_runs_once_per_collection_for_all_its_instruments(
    telemetry: InMemoryTelemetryClient,
) -> None:
    meter = telemetry.get_meter("T")
    map_size = meter.create_observable_gauge(DB_MAP_SIZE)
    items = meter.create_observable_gauge(DB_NUM_ITEMS)
    runs: list[int] = []

    def observe(result: BatchObservableResult) -> None:
        runs.append(1)
        for db in ("world_state", "blocks"):
            result.observe(map_size, 1 << 30, {a.DB_NAME: db})
            result.observe(items, len(runs) * 10, {a.DB_NAME: db})

    meter.add_batch_observable_callback(observe, [map_size, items])
    assert telemetry.gauge_value(DB_NUM_ITEMS, {a.DB_NAME: "blocks"}) == 10
    assert len(runs) == 1
    assert telemetry.gauge_value(DB_MAP_SIZE, {a.DB_NAME: "world_state"}) == 1 << 30
    assert telemetry.gauge_value(DB_NUM_ITEMS, {a.DB_NAME: "blocks"}) == 30
    assert len(runs) == 3
    meter.remove_batch_observable_callback(observe, [map_size, items])
    telemetry.collect()
    assert len(runs) == 3


def test_batch_callback_may_not_observe_foreign_instruments(
    telemetry: InMemoryTelemetryClient, caplog: pytest.LogCaptureFixture
) -> None:
    meter = telemetry.get_meter("T")
    mine = meter.create_observable_gauge(MEMPOOL_PENDING_TXS)
    other = meter.create_observable_gauge(MEMPOOL_CAPACITY)
    meter.add_batch_observable_callback(lambda result: result.observe(other, 1), [mine])
    telemetry.collect()  # the SDK logs a failing callback instead of failing the collection
    assert "aztec.mempool.capacity is not part of this batch callback" in caplog.text
    assert telemetry.series(MEMPOOL_CAPACITY) == []


def test_a_definition_creates_only_its_own_kind(telemetry: InMemoryTelemetryClient) -> None:
    meter = telemetry.get_meter("T")
    with pytest.raises(InstrumentKindError, match="is defined as a histogram, not a counter"):
        meter.create_counter(CIRCUIT_SIMULATION_DURATION)  # type: ignore[arg-type]
    with pytest.raises(InstrumentKindError):
        meter.create_histogram(SEQUENCER_STATE)  # type: ignore[arg-type]


def test_include_and_exclude_filters_by_prefix() -> None:
    client = InMemoryTelemetryClient(
        TelemetryConfig(
            host_metrics=False,
            include_metrics=("aztec.circuit", "aztec.example"),
            exclude_metrics=("aztec.circuit.simulation.input_size",),
        )
    )
    try:
        meter = client.get_meter("T")
        meter.create_histogram(CIRCUIT_SIMULATION_DURATION).record(1.0, BASE)
        meter.create_histogram(CIRCUIT_SIMULATION_INPUT_SIZE).record(100, BASE)
        meter.create_histogram(SEQUENCER_BLOCK_TX_COUNT).record(4)
        meter.create_counter(EXAMPLE_OPERATION_COUNT).add(1)
        assert client.metric_names() == {CIRCUIT_SIMULATION_DURATION.name, EXAMPLE_OPERATION_COUNT.name}
    finally:
        client.stop()


def test_excluded_host_metrics_are_dropped() -> None:
    client = InMemoryTelemetryClient(TelemetryConfig(host_metrics=True, exclude_metrics=("system.", "cpython.")))
    try:
        names = client.metric_names()
        assert "process.cpu.time" in names
        assert not any(n.startswith(("system.", "cpython.")) for n in names)
    finally:
        client.stop()


def test_spans_accept_unbounded_attributes(telemetry: InMemoryTelemetryClient) -> None:
    with telemetry.get_tracer("T").start_span("build-block", {a.BLOCK_NUMBER: 12}) as span:
        span.set_attribute(a.TX_HASH, "0xabc")
        span.record_exception(RuntimeError("boom"))


def test_two_components_observing_one_metric_both_report(telemetry: InMemoryTelemetryClient) -> None:
    """The SDK keeps the first instrument of a name; the second component's callback must not be lost."""

    def observer(db: str) -> Callable[[ObservableResult], None]:
        return lambda result: result.observe(1, {a.DB_NAME: db})

    for db in ("world_state", "archiver"):
        telemetry.get_meter("Database").create_observable_gauge(DB_MAP_SIZE, observer(db))
    assert telemetry.gauge_value(DB_MAP_SIZE, {a.DB_NAME: "world_state"}) == 1
    assert telemetry.gauge_value(DB_MAP_SIZE, {a.DB_NAME: "archiver"}) == 1
