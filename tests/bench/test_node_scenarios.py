"""The node scenarios, scaled down, through the CLI: NDJSON the aggregator accepts, with the expected buckets.

One run of the five scenarios (module fixture) feeds every test. Each scenario's file is also aggregated
on its own, since the directory's aggregate merges series of the same metric and bucket across files.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aztec.bench.aggregate import aggregate_points
from aztec.bench.ndjson_reader import read_points
from aztec.bench.scenarios import SCENARIOS, block_building, circuits, node_sync, transactions, world_state
from aztec.bench.scenarios.base import RunSettings, scaled
from aztec.bench.scenarios.devnet import block_sizes
from aztec.bench.scenarios.transfers import TransferTraffic
from aztec.bench.schema import BenchResult, BucketValue, load_result
from aztec.cli.main import app
from aztec.sequencer.instrumentation import block_size_class
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.trees import TreeId
from aztec.telemetry.metrics.archiver import ARCHIVER_SYNC_DURATION, ARCHIVER_TX_COUNT
from aztec.telemetry.metrics.circuit import (
    CIRCUIT_PROVING_DURATION,
    CIRCUIT_SIMULATION_DURATION,
    CIRCUIT_SIMULATION_INPUT_SIZE,
    CIRCUIT_SIMULATION_OUTPUT_SIZE,
    CIRCUIT_WITNESS_GENERATION_DURATION,
)
from aztec.telemetry.metrics.l1 import L1_PUBLISHER_TX_CALLDATA_SIZE, L1_PUBLISHER_TX_COUNT, L1_PUBLISHER_TX_GAS
from aztec.telemetry.metrics.mempool import MEMPOOL_TX_SIZE
from aztec.telemetry.metrics.public_processor import PUBLIC_PROCESSOR_TX_COUNT, TX_VALIDATION_DURATION
from aztec.telemetry.metrics.sequencer import SEQUENCER_BLOCK_BUILD_DURATION, SEQUENCER_BLOCK_COUNT
from aztec.telemetry.metrics.world_state import WORLD_STATE_SYNC_DURATION, WORLD_STATE_TREE_INSERTION_DURATION
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state.instrumentation import batch_size_class

SCALE = 0.05
NAMES = ("block-building", "circuits", "world-state", "node-sync", "transactions")
Buckets = dict[str, BucketValue]


@dataclass(frozen=True)
class SmallRun:
    directory: Path
    output: str
    result: BenchResult
    """The directory's aggregate, as ``aztec bench aggregate`` wrote it."""

    def scenario(self, name: str) -> dict[str, Buckets]:
        """One scenario's file aggregated on its own: ``{metric: {bucket: value}}``."""
        return aggregate_points(read_points(self.directory / "repeat-1" / f"{name}.ndjson"))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> SmallRun:
    root = tmp_path_factory.mktemp("node-scenarios")
    out, bench = root / "run", root / "bench.json"
    runner = CliRunner()
    selected = [arg for name in NAMES for arg in ("--scenario", name)]
    ran = runner.invoke(app, ["bench", "run", "--out", str(out), "--scale", str(SCALE), "--repeats", "1", *selected])
    assert ran.exit_code == 0, ran.output
    aggregated = runner.invoke(app, ["bench", "aggregate", str(out), "--out", str(bench), "--commit", "c0ffee"])
    assert aggregated.exit_code == 0, aggregated.output
    return SmallRun(out, ran.output, load_result(bench))


def test_every_scenario_writes_a_file_and_no_numbers_to_the_terminal(small_run: SmallRun) -> None:
    files = (small_run.directory / "repeat-1").iterdir()
    assert sorted(path.name for path in files) == sorted(f"{n}.ndjson" for n in NAMES)
    assert small_run.result.scenarios == tuple(sorted(NAMES))
    assert "wrote 5 NDJSON files" in small_run.output
    assert "aztec." not in small_run.output
    expected = {
        SEQUENCER_BLOCK_BUILD_DURATION,
        CIRCUIT_SIMULATION_DURATION,
        CIRCUIT_PROVING_DURATION,
        WORLD_STATE_TREE_INSERTION_DURATION,
        WORLD_STATE_SYNC_DURATION,
        ARCHIVER_SYNC_DURATION,
        TX_VALIDATION_DURATION,
        L1_PUBLISHER_TX_GAS,
    }
    assert {definition.name for definition in expected} <= set(small_run.result.metrics)


def test_block_building_buckets_build_duration_by_block_size_class(small_run: SmallRun) -> None:
    metrics = small_run.scenario("block-building")
    sizes = block_sizes(SCALE)
    repeats = scaled(block_building.BLOCKS_PER_SIZE, SCALE)
    classes = [block_size_class(n) for n in sizes]
    expected = {cls: repeats * classes.count(cls) for cls in classes}
    build = metrics[SEQUENCER_BLOCK_BUILD_DURATION.name]
    assert {bucket: value.count for bucket, value in build.items()} == expected
    assert all(value.value > 0 and value.p50 is not None and value.p95 is not None for value in build.values())
    # Only the measured blocks: the funding block of the setup lane is not in the numbers.
    assert metrics[SEQUENCER_BLOCK_COUNT.name]["published"].value == repeats * len(sizes)
    assert metrics[PUBLIC_PROCESSOR_TX_COUNT.name]["success"].value == repeats * sum(sizes)
    assert not any(name.startswith(("aztec.world_state.", "aztec.l1_publisher.", "aztec.mempool.")) for name in metrics)


def test_circuits_records_every_circuit_per_prover(small_run: SmallRun) -> None:
    metrics = small_run.scenario("circuits")
    test_buckets = {f"{circuit}/server/test" for circuit in CircuitName}
    native_buckets = {f"{circuit}/server/native" for circuit in CircuitName}
    assert set(metrics[CIRCUIT_SIMULATION_DURATION.name]) == test_buckets
    assert set(metrics[CIRCUIT_WITNESS_GENERATION_DURATION.name]) == native_buckets
    assert set(metrics[CIRCUIT_PROVING_DURATION.name]) == native_buckets
    for size in (CIRCUIT_SIMULATION_INPUT_SIZE, CIRCUIT_SIMULATION_OUTPUT_SIZE):
        assert set(metrics[size.name]) == test_buckets | native_buckets
        for circuit in CircuitName:  # both provers saw the same inputs and produced the same outputs
            test, native = metrics[size.name][f"{circuit}/server/test"], metrics[size.name][f"{circuit}/server/native"]
            assert (test.count, test.value) == (native.count, native.value)
    blocks, txs = scaled(circuits.BLOCKS, SCALE), circuits.TXS_PER_BLOCK
    proving = metrics[CIRCUIT_PROVING_DURATION.name]
    assert proving[f"{CircuitName.BASE_ROLLUP}/server/native"].count == blocks * txs
    assert proving[f"{CircuitName.MERGE_ROLLUP}/server/native"].count == blocks * (txs - 2)
    assert proving[f"{CircuitName.ROOT_ROLLUP}/server/native"].count == blocks
    assert metrics["aztec.proving_orchestrator.blocks"]["success"].value == blocks  # the native run only


def test_world_state_buckets_insertions_by_batch_size_class_and_tree(small_run: SmallRun) -> None:
    metrics = small_run.scenario("world-state")
    rounds = scaled(world_state.ROUNDS, SCALE)
    classes = [batch_size_class(n) for n in world_state.batch_sizes(SCALE)]
    insertion = metrics[WORLD_STATE_TREE_INSERTION_DURATION.name]
    expected = {f"{cls}/{tree.value}": rounds * classes.count(cls) for cls in classes for tree in TreeId}
    assert {bucket: value.count for bucket, value in insertion.items()} == expected
    leaves = rounds * sum(world_state.batch_sizes(SCALE))
    tree_size = metrics["aztec.world_state.tree_size"]
    assert tree_size["note_hash"].value == tree_size["archive"].value == leaves
    assert tree_size["nullifier"].value == tree_size["public_data"].value == leaves + 1  # and the zero leaf


def test_node_sync_records_run_totals_beside_per_block_durations(small_run: SmallRun) -> None:
    metrics = small_run.scenario("node-sync")
    counts = node_sync.block_counts(SCALE)
    syncs = scaled(node_sync.SYNCS_PER_COUNT, SCALE)
    sync = metrics[WORLD_STATE_SYNC_DURATION.name]
    assert set(sync) == {"", *map(str, counts)}
    assert all(sync[str(count)].count == syncs for count in counts)
    assert sync[""].count == metrics[ARCHIVER_SYNC_DURATION.name][""].count == syncs * sum(counts)
    # The chain: a funding block (one tx: every sender's mint), then blocks of transfers.
    txs = sum(1 + (count - 1) * node_sync.TXS_PER_BLOCK for count in counts)
    assert metrics[ARCHIVER_TX_COUNT.name][""].value == syncs * txs


def test_transactions_buckets_l1_gas_and_calldata_by_block_size_class(small_run: SmallRun) -> None:
    metrics = small_run.scenario("transactions")
    sizes = block_sizes(SCALE)
    repeats = scaled(transactions.BLOCKS_PER_SIZE, SCALE)
    txs = repeats * sum(sizes)
    assert metrics[TX_VALIDATION_DURATION.name][""].count == txs
    tx_size = metrics[MEMPOOL_TX_SIZE.name][""]
    transfer = TransferTraffic(1).transfers(1, max_fee_per_gas=1)[0]
    assert (tx_size.count, tx_size.value) == (txs, len(transfer.to_bytes()))
    buckets = {f"{block_size_class(n)}/propose" for n in sizes}
    gas, calldata = metrics[L1_PUBLISHER_TX_GAS.name], metrics[L1_PUBLISHER_TX_CALLDATA_SIZE.name]
    assert set(gas) == set(calldata) == buckets
    by_size = sorted(buckets, key=lambda bucket: int(bucket.split("/")[0]))
    assert [calldata[b].value for b in by_size] == sorted(calldata[b].value for b in by_size)
    assert [gas[b].value for b in by_size] == sorted(gas[b].value for b in by_size)
    assert metrics[L1_PUBLISHER_TX_COUNT.name]["propose/success"].value == repeats * len(sizes)


def test_the_directory_aggregate_lists_the_bucket_attributes(small_run: SmallRun) -> None:
    bench = json.loads(small_run.result.dumps())
    gas = bench["metrics"][L1_PUBLISHER_TX_GAS.name]
    assert all(set(value["attributes"]) == {"aztec.block.size_class", "aztec.l1.tx_type"} for value in gas.values())
    run_total = bench["metrics"][WORLD_STATE_SYNC_DURATION.name][str(node_sync.block_counts(SCALE)[-1])]
    assert run_total["attributes"] == {"aztec.world_state.sync_run_blocks": str(node_sync.block_counts(SCALE)[-1])}


@pytest.mark.parametrize("name", NAMES)
async def test_each_scenario_runs_on_the_no_op_client(name: str) -> None:
    outcome = SCENARIOS[name].run(NoopTelemetryClient(), RunSettings(0.01))
    if inspect.isawaitable(outcome):
        await outcome
