"""Aggregation of NDJSON files with known values: means, quantiles, buckets, and how lines combine."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aztec.bench.aggregate import aggregate_directory, git_commit
from aztec.bench.errors import BenchInputError
from tests.bench.ndjson_lines import histogram_line, value_line, write_ndjson

BOUNDS = (1.0, 2.0, 4.0, 8.0)
SIMULATION = "aztec.circuit.simulation.duration"
CIRCUIT = "aztec.circuit.protocol_circuit_name"
VALUES = (0.5, 1.5, 1.5, 3.0, 3.0, 3.0, 3.0, 6.0, 6.0, 10.0)


def _aggregate(directory: Path) -> dict[str, dict[str, dict[str, object]]]:
    result = aggregate_directory(directory, timestamp="2025-01-01T00:00:00Z", commit="c0ffee")
    return {metric: {k: v.to_json() for k, v in buckets.items()} for metric, buckets in result.metrics.items()}


def test_histogram_lines_merge_into_mean_and_quantiles_per_bucket(tmp_path: Path) -> None:
    base_rollup = {CIRCUIT: "base-rollup"}
    write_ndjson(
        tmp_path / "circuits.ndjson",
        [
            histogram_line(SIMULATION, VALUES[:4], BOUNDS, attributes=base_rollup, time=1),
            histogram_line(SIMULATION, [2.0], BOUNDS, attributes={CIRCUIT: "merge-rollup"}, time=1),
            histogram_line(SIMULATION, VALUES[4:], BOUNDS, attributes=base_rollup, time=2),
        ],
    )
    merged = _aggregate(tmp_path)[SIMULATION]
    assert set(merged) == {"base-rollup", "merge-rollup"}
    base = merged["base-rollup"]
    assert base["count"] == 10
    assert base["value"] == pytest.approx(sum(VALUES) / 10)  # the mean
    assert base["p50"] == pytest.approx(3.0)  # 2 + 2 * (5 - 3) / 4
    assert base["p95"] == pytest.approx(9.0)  # 8 + (10 - 8) * (9.5 - 9) / 1
    assert (base["min"], base["max"]) == (0.5, 10.0)
    assert base["attributes"] == base_rollup
    merge = merged["merge-rollup"]
    assert (merge["value"], merge["p50"], merge["p95"], merge["count"]) == (2.0, 2.0, 2.0, 1)


def test_histograms_merge_across_files(tmp_path: Path) -> None:
    write_ndjson(tmp_path / "a.ndjson", [histogram_line(SIMULATION, VALUES[:5], BOUNDS)])
    write_ndjson(tmp_path / "b.ndjson", [histogram_line(SIMULATION, VALUES[5:], BOUNDS)])
    merged = _aggregate(tmp_path)[SIMULATION][""]
    assert merged["count"] == 10
    assert merged["p50"] == pytest.approx(3.0)


def test_delta_counters_are_summed_over_lines_and_files(tmp_path: Path) -> None:
    metric = "aztec.mempool.tx_added_count"
    write_ndjson(
        tmp_path / "a.ndjson",
        [value_line(metric, 3, kind="counter", time=1), value_line(metric, 4, kind="counter", time=2)],
    )
    write_ndjson(tmp_path / "b.ndjson", [value_line(metric, 5, kind="counter", time=1)])
    assert _aggregate(tmp_path)[metric][""]["value"] == 12


def test_cumulative_up_down_counters_take_each_files_last_value_and_sum_the_files(tmp_path: Path) -> None:
    metric = "aztec.demo.in_flight"
    write_ndjson(
        tmp_path / "a.ndjson",
        [value_line(metric, 2, kind="up_down_counter", time=2), value_line(metric, 5, kind="up_down_counter", time=1)],
    )
    write_ndjson(tmp_path / "b.ndjson", [value_line(metric, 7, kind="up_down_counter", time=1)])
    assert _aggregate(tmp_path)[metric][""]["value"] == 2 + 7


def test_gauges_take_the_last_value_by_time_over_all_files(tmp_path: Path) -> None:
    metric = "aztec.db.used_size"
    write_ndjson(
        tmp_path / "a.ndjson",
        [
            value_line(metric, 10, kind="gauge", unit="By", time=1),
            value_line(metric, 30, kind="gauge", unit="By", time=3),
        ],
    )
    write_ndjson(tmp_path / "b.ndjson", [value_line(metric, 20, kind="gauge", unit="By", time=2)])
    gauge = _aggregate(tmp_path)[metric][""]
    assert gauge["value"] == 30
    assert "p50" not in gauge


def test_bucket_keys_are_the_attribute_values_in_name_order(tmp_path: Path) -> None:
    metric = "aztec.proving_queue.job_count"
    write_ndjson(
        tmp_path / "a.ndjson",
        [
            value_line(metric, 1, kind="counter"),
            value_line(metric, 1, kind="counter", attributes={"b.kind": "merge", "a.outcome": "ok"}),
            value_line(metric, 1, kind="counter", attributes={"size": 16}),
            value_line(metric, 1, kind="counter", attributes={"size": 64.0}),
            value_line(metric, 1, kind="counter", attributes={"cached": True}),
        ],
    )
    assert set(_aggregate(tmp_path)[metric]) == {"", "ok/merge", "16", "64", "true"}


def test_result_records_the_scenarios_timestamp_and_commit(tmp_path: Path) -> None:
    write_ndjson(tmp_path / "world-state.ndjson", [value_line("aztec.x.y", 1, kind="counter")])
    write_ndjson(tmp_path / "circuits.ndjson", [value_line("aztec.x.y", 1, kind="counter")])
    (tmp_path / "notes.txt").write_text("ignored")
    result = aggregate_directory(tmp_path, timestamp="2025-01-01T00:00:00Z", commit="c0ffee")
    assert result.scenarios == ("circuits", "world-state")
    assert (result.timestamp, result.commit) == ("2025-01-01T00:00:00Z", "c0ffee")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", aggregate_directory(tmp_path, commit="x").timestamp)


def test_git_commit_is_head_in_a_repository_and_unknown_elsewhere(tmp_path: Path) -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", git_commit(Path(__file__).parent))
    assert git_commit(tmp_path) == "unknown"


# --- bad input: a clear error naming the file and line --------------------------------------------------


def test_a_truncated_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "circuits.ndjson", [value_line("aztec.x.y", 1, kind="counter")] * 2)
    full = json.dumps(value_line("aztec.x.y", 1, kind="counter"))
    with path.open("a") as file:
        file.write(full[: len(full) // 2])
    with pytest.raises(BenchInputError, match=rf"{re.escape(str(path))}:3: not a JSON line \(truncated\?\)"):
        aggregate_directory(tmp_path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("garbage", r":2: not a JSON line"),
        ("[1, 2]", r":2: expected a JSON object, got list"),
        (json.dumps({**value_line("aztec.x.y", 1, kind="counter"), "kind": "summary"}), r":2: unknown kind 'summary'"),
        (json.dumps({k: v for k, v in value_line("aztec.x.y", 1, kind="counter").items() if k != "metric"}),
         r":2: missing field 'metric'"),
        (json.dumps({**value_line("aztec.x.y", 1, kind="counter"), "value": "7"}),
         r":2: field 'value' should be a finite number"),
        (json.dumps({**histogram_line(SIMULATION, [1.0], BOUNDS), "count": 2}),
         r":2: count 2 differs from the sum of bucket_counts 1"),
        (json.dumps({**histogram_line(SIMULATION, [1.0], BOUNDS), "bucket_counts": [1]}),
         r":2: 1 bucket_counts for 4 bounds"),
        (json.dumps({**value_line("aztec.x.y", 1, kind="counter"), "attributes": {"a": [1]}}),
         r":2: attribute 'a' has a non-scalar value"),
    ],
)  # fmt: skip
def test_malformed_lines_name_the_file_line_and_problem(tmp_path: Path, line: str, message: str) -> None:
    path = write_ndjson(tmp_path / "a.ndjson", [value_line("aztec.x.y", 1, kind="counter")])
    with path.open("a") as file:
        file.write(line + "\n")
    with pytest.raises(BenchInputError, match=re.escape(str(path)) + message):
        aggregate_directory(tmp_path)


def test_an_empty_or_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BenchInputError, match=r"no \*\.ndjson files"):
        aggregate_directory(tmp_path)
    with pytest.raises(BenchInputError, match="no such directory"):
        aggregate_directory(tmp_path / "absent")
    (tmp_path / "empty.ndjson").write_text("\n")
    with pytest.raises(BenchInputError, match="hold no data points"):
        aggregate_directory(tmp_path)


def test_series_that_cannot_combine_are_errors(tmp_path: Path) -> None:
    write_ndjson(
        tmp_path / "a.ndjson",
        [histogram_line(SIMULATION, [1.0], BOUNDS), histogram_line(SIMULATION, [1.0], (1.0, 2.0))],
    )
    with pytest.raises(BenchInputError, match=r"a\.ndjson:2: .* different bounds cannot be merged"):
        aggregate_directory(tmp_path)
    write_ndjson(
        tmp_path / "a.ndjson",
        [
            value_line("aztec.x.y", 1, kind="counter", attributes={"a": "same"}),
            value_line("aztec.x.y", 1, kind="counter", attributes={"b": "same"}),
        ],
    )
    with pytest.raises(BenchInputError, match="give the same bucket 'same'"):
        aggregate_directory(tmp_path)
    write_ndjson(tmp_path / "a.ndjson", [value_line("aztec.x.y", 1, kind="counter")])
    write_ndjson(tmp_path / "b.ndjson", [value_line("aztec.x.y", 1, kind="gauge")])
    with pytest.raises(BenchInputError, match=r"b\.ndjson:1: aztec\.x\.y is a gauge .* but a counter"):
        aggregate_directory(tmp_path)
    write_ndjson(tmp_path / "b.ndjson", [value_line("aztec.x.y", 1, kind="counter", unit="By")])
    with pytest.raises(
        BenchInputError, match=r"b\.ndjson:1: aztec\.x\.y is a counter in 'By' here but a counter in '1'"
    ):
        aggregate_directory(tmp_path)
