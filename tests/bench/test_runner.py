"""Scenarios run into NDJSON files that the aggregator accepts; failures leave the output directory as it was."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from aztec.bench.aggregate import aggregate_directory
from aztec.bench.demo_metrics import DEMO_IN_FLIGHT, DEMO_OPERATION, DEMO_OPERATION_COUNT, DEMO_OPERATION_DURATION
from aztec.bench.errors import BenchInputError, ScenarioFailedError, ScenarioUnavailableError, UnknownScenarioError
from aztec.bench.runner import run_scenarios
from aztec.bench.scenarios import SCENARIOS, RunSettings, Scenario, resolve, scaled
from aztec.bench.scenarios import telemetry as telemetry_scenario
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient

TELEMETRY = SCENARIOS["telemetry"]
NODE_SCENARIOS = ("block-building", "circuits", "world-state", "node-sync", "transactions")


def test_the_telemetry_scenario_writes_ndjson_the_aggregator_accepts(tmp_path: Path) -> None:
    written = run_scenarios([TELEMETRY], tmp_path, settings=RunSettings(0.1))
    assert written == [tmp_path / "repeat-1" / "telemetry.ndjson"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repeat-1"]  # no staging left behind
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
    lines = [json.loads(line) for line in written[0].read_text().splitlines()]
    counted = [line["value"] for line in lines if line["metric"] == DEMO_OPERATION_COUNT.name]
    assert len(counted) >= 4 and sum(counted) == 2 * operations
    in_flight = [line["value"] for line in lines if line["metric"] == DEMO_IN_FLIGHT.name]
    assert 1 in in_flight and in_flight[-1] == 0


def test_the_telemetry_scenario_runs_on_the_no_op_and_in_memory_clients() -> None:
    TELEMETRY.run(NoopTelemetryClient(), RunSettings(0.05))
    client = InMemoryTelemetryClient()
    try:
        TELEMETRY.run(client, RunSettings(0.05))
        operations = scaled(telemetry_scenario.OPERATIONS, 0.05)
        assert client.histogram(DEMO_OPERATION_DURATION, {DEMO_OPERATION: "sleep"}).count == operations
        assert client.counter_value(DEMO_OPERATION_COUNT) == 2 * operations
    finally:
        client.stop()


def unavailable(telemetry: TelemetryClient, settings: RunSettings) -> None:
    raise ScenarioUnavailableError("unavailable", "a component that does not exist")


def test_every_node_scenario_is_registered() -> None:
    assert set(NODE_SCENARIOS) <= set(SCENARIOS)


def test_a_failing_scenario_leaves_the_directory_as_it_was(tmp_path: Path) -> None:
    quick = RunSettings(0.05)
    run_scenarios([TELEMETRY], tmp_path, settings=quick)
    written = tmp_path / "repeat-1" / "telemetry.ndjson"
    before = written.read_bytes()
    with pytest.raises(ScenarioUnavailableError, match="scenario 'unavailable' is not available yet: it needs"):
        run_scenarios([TELEMETRY, Scenario("unavailable", "raises", unavailable)], tmp_path, settings=quick)

    def broken(telemetry: TelemetryClient, settings: RunSettings) -> None:
        raise RuntimeError("boom")

    with pytest.raises(ScenarioFailedError, match="scenario 'broken' failed: RuntimeError: boom"):
        run_scenarios([TELEMETRY, Scenario("broken", "raises", broken)], tmp_path, settings=quick, repeats=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repeat-1"]
    assert sorted(p.name for p in (tmp_path / "repeat-1").iterdir()) == ["telemetry.ndjson"]
    assert written.read_bytes() == before


def test_repeats_are_interleaved_and_a_new_run_replaces_the_old_repeats(tmp_path: Path) -> None:
    order: list[tuple[str, int]] = []

    def started(scenario: Scenario, repeat: int) -> None:
        order.append((scenario.name, repeat))

    def counting(telemetry: TelemetryClient, settings: RunSettings) -> None:
        telemetry.get_meter("Counting").create_counter(DEMO_OPERATION_COUNT).add(1, {DEMO_OPERATION: "hash"})

    both = [TELEMETRY, Scenario("counting", "counts", counting)]
    written = run_scenarios(both, tmp_path, settings=RunSettings(0.05), repeats=3, on_start=started)
    assert order == [
        ("telemetry", 1),
        ("counting", 1),
        ("telemetry", 2),
        ("counting", 2),
        ("telemetry", 3),
        ("counting", 3),
    ]
    assert written == [
        tmp_path / f"repeat-{r}" / f"{name}.ndjson" for r in (1, 2, 3) for name in ("telemetry", "counting")
    ]
    result = aggregate_directory(tmp_path, commit="c")
    assert (result.repeats, result.scenarios) == (3, ("counting", "telemetry"))
    sleep = result.metrics[DEMO_OPERATION_DURATION.name]["sleep"]  # known durations: the same every repeat
    operations = scaled(telemetry_scenario.OPERATIONS, 0.05)
    assert sleep.repeats == ((operations + 1) / 2 / 1000,) * 3 and sleep.interval == (sleep.value, sleep.value)
    assert sleep.count == 3 * operations  # histogram counts over all repeats
    hashing = result.metrics[DEMO_OPERATION_DURATION.name]["hash"]
    assert len(hashing.repeats) == 3 and hashing.interval is not None
    assert hashing.interval[0] <= hashing.value <= hashing.interval[1]
    assert result.metrics[DEMO_OPERATION_COUNT.name]["hash"].repeats == (operations + 1,) * 3

    run_scenarios([TELEMETRY], tmp_path, settings=RunSettings(0.05), repeats=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repeat-1"]
    assert aggregate_directory(tmp_path, commit="c").repeats == 1


def test_repeats_with_different_scenarios_are_refused(tmp_path: Path) -> None:
    run_scenarios([TELEMETRY], tmp_path, settings=RunSettings(0.05), repeats=2)
    (tmp_path / "repeat-2" / "telemetry.ndjson").rename(tmp_path / "repeat-2" / "other.ndjson")
    with pytest.raises(BenchInputError, match=r"repeat-2: holds scenarios other but .*repeat-1 holds telemetry"):
        aggregate_directory(tmp_path)


def test_an_async_scenario_is_awaited(tmp_path: Path) -> None:
    async def asynchronous(telemetry: TelemetryClient, settings: RunSettings) -> None:
        await asyncio.sleep(0)
        telemetry.get_meter("Async").create_counter(DEMO_OPERATION_COUNT).add(3, {DEMO_OPERATION: "hash"})

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


def test_scale_prover_scale_and_repeats_are_checked(tmp_path: Path) -> None:
    with pytest.raises(BenchInputError, match="--scale must be greater than 0, got 0"):
        run_scenarios([TELEMETRY], tmp_path / "out", settings=RunSettings(0))
    with pytest.raises(BenchInputError, match="--prover-scale must be greater than 0, got -1"):
        run_scenarios([TELEMETRY], tmp_path / "out", settings=RunSettings(prover_scale=-1))
    with pytest.raises(BenchInputError, match="--repeats must be at least 1, got 0"):
        run_scenarios([TELEMETRY], tmp_path / "out", repeats=0)
    assert not (tmp_path / "out").exists()
    assert RunSettings(0.05).native_prover_scale() == 0.05 and RunSettings(3).native_prover_scale() == 1.0
    assert RunSettings(0.05, prover_scale=2).native_prover_scale() == 2
    assert scaled(256, 0.1) == 26 and scaled(4, 0.01) == 1


def test_append_numbers_new_repeats_after_the_old_ones(tmp_path: Path) -> None:
    """Alternating base and head runs of one repeat each, as the README suggests on a busy machine."""
    quick = RunSettings(0.05)
    for _ in range(2):
        run_scenarios([TELEMETRY], tmp_path / "base", settings=quick, append=True)
        run_scenarios([TELEMETRY], tmp_path / "head", settings=quick, append=True)
    written = run_scenarios([TELEMETRY], tmp_path / "head", settings=quick, repeats=2, append=True)
    assert written == [tmp_path / "head" / f"repeat-{n}" / "telemetry.ndjson" for n in (3, 4)]
    assert aggregate_directory(tmp_path / "base", commit="c").repeats == 2
    assert aggregate_directory(tmp_path / "head", commit="c").repeats == 4
