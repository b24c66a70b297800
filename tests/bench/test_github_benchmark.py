"""github-action-benchmark's lists: one per direction, performance figures only, with the spread."""

from __future__ import annotations

import json

from aztec.bench.github_benchmark import TOOLS, dumps_github_benchmark, github_benchmark_entries
from aztec.bench.performance import better_of
from aztec.telemetry.metrics.l1 import L1_PUBLISHER_TX_DURATION
from aztec.telemetry.metrics.proving import PROVING_QUEUE_JOB_WAIT
from aztec.telemetry.metrics.public_processor import PUBLIC_PROCESSOR_GAS_RATE
from aztec.telemetry.registry import all_metrics
from tests.bench.sample_results import HEAD


def test_smaller_and_bigger_is_better_lists_split_by_the_registry() -> None:
    smaller = json.loads(dumps_github_benchmark(HEAD, "lower"))
    bigger = json.loads(dumps_github_benchmark(HEAD, "higher"))
    assert [entry["name"] for entry in bigger] == ["aztec.public_processor.gas_rate"]
    assert bigger[0]["extra"].startswith("bigger is better; 3 repeats; p50 ")
    names = [entry["name"] for entry in smaller]
    assert "aztec.sequencer.block.build_duration [32]" in names
    assert "aztec.circuit.proving.proof_size [base-rollup/native]" in names  # a size: smaller is better
    assert not any(name.startswith("aztec.sequencer.block.count") for name in names)  # not a performance figure
    assert names.index("aztec.sequencer.block.build_duration [4]") < names.index(
        "aztec.sequencer.block.build_duration [16]"
    )
    build = next(entry for entry in smaller if entry["name"] == "aztec.sequencer.block.build_duration [32]")
    assert build["value"] == 1.2 and build["unit"] == "s"
    assert build["range"].startswith("± 0.0")  # the half-width of the 99% interval
    assert TOOLS == {"lower": "customSmallerIsBetter", "higher": "customBiggerIsBetter"}
    assert len(github_benchmark_entries(HEAD)) == len(smaller) + len(bigger)


def test_the_registry_declares_throughput_as_bigger_is_better() -> None:
    assert PUBLIC_PROCESSOR_GAS_RATE.better == "higher"
    higher = {d.name for d in all_metrics() if d.better == "higher"}
    assert all("/s" in d.unit for d in all_metrics() if d.name in higher)
    assert better_of("aztec.sequencer.block.build_duration", "s") == "lower"  # durations need no declaration
    assert better_of("aztec.archiver.block_height", "{block}") is None
    assert better_of("aztec.not.registered", "s") == "lower"
    assert better_of(L1_PUBLISHER_TX_DURATION.name, "s") is None  # a wait on the development L1's clock
    assert better_of(PROVING_QUEUE_JOB_WAIT.name, "s") is None
