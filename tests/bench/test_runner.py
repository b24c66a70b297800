"""Scenarios run into NDJSON files that the aggregator accepts; failures leave the output directory as it was."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from aztec.bench.aggregate import aggregate_directory
from aztec.bench.errors import BenchInputError, ScenarioFailedError, ScenarioUnavailableError, UnknownScenarioError
from aztec.bench.runner import run_scenarios
from aztec.bench.scenarios import SCENARIOS, Scenario, resolve, scaled
from aztec.bench.scenarios import telemetry as telemetry_scenario
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.demo import DEMO_IN_FLIGHT, DEMO_OPERATION_COUNT, DEMO_OPERATION_DURATION
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient

TELEMETRY = SCENARIOS["telemetry"]
NODE_SCENARIOS = ("block-building", "circuits", "world-state", "node-sync", "transactions")


def test_the_telemetry_scenario_writes_ndjson_the_aggregator_accepts(tmp_path: Path) -> None:
    written = run_scenarios([TELEMETRY], tmp_path, scale=0.1)
    assert written == [tmp_path / "telemetry.ndjson"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["telemetry.ndjson"]  # no staging left behind
    operations = scaled(telemetry_scenario.OPERATIONS, 0.1)
    result = aggregate_directory(tmp_path, timestamp="2025-01-01T00:00:00Z", commit="c0ffee")
    assert result.scenarios == ("telemetry",)

    sleep = result.metrics[DEMO_OPERATION_DURATION.name]["sleep"]
    assert sleep.count == operations
    assert sleep.value == pytest.approx((operations + 1) / 2 / 1000)  # 1 ms ... n ms
    assert sleep.min == pytest.approx(0.001)
    assert sleep.max == pytest.approx(operations / 1000)
    assert sleep.p50 is not None and sleep.p95 is not None
    assert 0.001 <= sleep.p50 <= sleep.p95 <= operations / 1000
    hashing = result.metrics[DEMO_OPERATION_DURATION.name]["hash"]
    assert hashing.count == operations and hashing.value > 0

    counts = result.metrics[DEMO_OPERATION_COUNT.name]
    assert (counts["hash"].value, counts["sleep"].value) == (operations, operations)
    assert result.metrics[DEMO_IN_FLIGHT.name][""].value == 0
    assert result.metrics["aztec.telemetry.export.count"]["success/ndjson"].value >= 1

    # The mid-run flush split the series: delta lines were summed, the cumulative 1 superseded by 0.
    lines = [json.loads(line) for line in (tmp_path / "telemetry.ndjson").read_text().splitlines()]
    counted = [line["value"] for line in lines if line["metric"] == DEMO_OPERATION_COUNT.name]
    assert len(counted) >= 4 and sum(counted) == 2 * operations
    in_flight = [line["value"] for line in lines if line["metric"] == DEMO_IN_FLIGHT.name]
    assert 1 in in_flight and in_flight[-1] == 0


def test_the_telemetry_scenario_runs_on_the_no_op_and_in_memory_clients() -> None:
    TELEMETRY.run(NoopTelemetryClient(), 0.05)
    client = InMemoryTelemetryClient()
    try:
        TELEMETRY.run(client, 0.05)
        operations = scaled(telemetry_scenario.OPERATIONS, 0.05)
        assert client.histogram(DEMO_OPERATION_DURATION, {a.DEMO_OPERATION: "sleep"}).count == operations
        assert client.counter_value(DEMO_OPERATION_COUNT) == 2 * operations
    finally:
        client.stop()


def unavailable(telemetry: TelemetryClient, scale: float) -> None:
    raise ScenarioUnavailableError("unavailable", "a component that does not exist")


def test_every_node_scenario_is_registered() -> None:
    assert set(NODE_SCENARIOS) <= set(SCENARIOS)


def test_a_failing_scenario_leaves_the_directory_as_it_was(tmp_path: Path) -> None:
    run_scenarios([TELEMETRY], tmp_path, scale=0.05)
    before = (tmp_path / "telemetry.ndjson").read_bytes()
    with pytest.raises(ScenarioUnavailableError, match="scenario 'unavailable' is not available yet: it needs"):
        run_scenarios([TELEMETRY, Scenario("unavailable", "raises", unavailable)], tmp_path, scale=0.05)

    def broken(telemetry: TelemetryClient, scale: float) -> None:
        raise RuntimeError("boom")

    with pytest.raises(ScenarioFailedError, match="scenario 'broken' failed: RuntimeError: boom"):
        run_scenarios([TELEMETRY, Scenario("broken", "raises", broken)], tmp_path, scale=0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["telemetry.ndjson"]
    assert (tmp_path / "telemetry.ndjson").read_bytes() == before


def test_an_async_scenario_is_awaited(tmp_path: Path) -> None:
    async def asynchronous(telemetry: TelemetryClient, scale: float) -> None:
        await asyncio.sleep(0)
        telemetry.get_meter("Async").create_counter(DEMO_OPERATION_COUNT).add(3, {a.DEMO_OPERATION: "hash"})

    run_scenarios([Scenario("async", "awaits", asynchronous)], tmp_path)
    result = aggregate_directory(tmp_path, commit="c")
    assert result.metrics[DEMO_OPERATION_COUNT.name]["hash"].value == 3


def test_unknown_scenarios_are_refused_with_the_known_names() -> None:
    with pytest.raises(UnknownScenarioError) as raised:
        resolve(["telemetry", "bogus", "nope"])
    assert raised.value.unknown == ("bogus", "nope")
    assert "known scenarios: block-building, circuits, node-sync, telemetry, transactions, world-state" in str(
        raised.value
    )


def test_resolve_defaults_to_all_and_drops_repeats() -> None:
    assert [s.name for s in resolve(None)] == list(SCENARIOS)
    assert [s.name for s in resolve(["telemetry", "circuits", "telemetry"])] == ["telemetry", "circuits"]


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(BenchInputError, match="scale must be greater than 0"):
        run_scenarios([TELEMETRY], tmp_path / "out", scale=0)
    assert not (tmp_path / "out").exists()
    assert scaled(256, 0.1) == 26 and scaled(4, 0.01) == 1
