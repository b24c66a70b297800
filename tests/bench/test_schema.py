"""bench.json round-trips through its dataclasses; version 1 files still load; malformed files are clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aztec.bench.errors import BenchInputError
from aztec.bench.schema import BenchResult, BucketValue, load_result

RESULT = BenchResult(
    timestamp="2025-01-01T00:00:00Z",
    commit="c0ffee",
    scenarios=("circuits",),
    metrics={
        "aztec.circuit.simulation.duration": {
            "base-rollup": BucketValue(
                "histogram",
                "s",
                0.012,
                {"aztec.circuit.protocol_circuit_name": "base-rollup"},
                4,
                0.011,
                0.02,
                0.01,
                0.021,
                repeats=(0.011, 0.013),
                interval=(0.0, 0.024),
            ),
        },
        "aztec.mempool.tx_added_count": {"": BucketValue("counter", "{tx}", 12.0, repeats=(12.0, 12.0))},
    },
    repeats=2,
)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    path.write_text(RESULT.dumps())
    assert load_result(path) == RESULT
    data = json.loads(path.read_text())
    assert data["metrics"]["aztec.mempool.tx_added_count"][""] == {
        "kind": "counter",
        "unit": "{tx}",
        "attributes": {},
        "value": 12.0,
        "repeats": [12.0, 12.0],
        "interval": None,
    }
    assert (data["schema_version"], data["repeats"]) == (2, 2)


def test_a_version_1_file_loads_as_one_repeat(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    path.write_text(
        '{"schema_version": 1, "timestamp": "t", "commit": "c", "scenarios": [], "metrics": {"m": {"": '
        '{"kind": "counter", "unit": "1", "attributes": {}, "value": 3}}}}'
    )
    result = load_result(path)
    assert result.repeats == 1
    series = result.metrics["m"][""]
    assert (series.repeat_values, series.interval, series.spread.half_width) == ((3.0,), None, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ("[]", "expected a JSON object"),
        ('{"schema_version": 3}', "schema_version 3 is not 2"),
        ('{"schema_version": 2, "repeats": 0}', "field 'repeats' should be a positive integer"),
        (
            '{"schema_version": 2, "timestamp": "t", "commit": "c", "scenarios": [], "metrics": {"m": {"": '
            '{"kind": "counter", "unit": "1", "attributes": {}, "value": 1, "interval": [2, 1]}}}}',
            r"field 'interval' should be \[low, high\]",
        ),
        ('{"schema_version": 1, "timestamp": "t", "commit": "c", "scenarios": []}', "missing field 'metrics'"),
        (
            '{"schema_version": 1, "timestamp": "t", "commit": "c", "scenarios": [], '
            '"metrics": {"m": {"": {"kind": "histogram", "unit": "s", "attributes": {}, "value": 1}}}}',
            r"metrics\['m'\]\[''\]: a histogram needs a positive integer count",
        ),
        (
            '{"schema_version": 1, "timestamp": "t", "commit": "c", "scenarios": [], '
            '"metrics": {"m": {"": {"kind": "counter", "unit": "1", "attributes": {}, "value": "1"}}}}',
            "field 'value' should be a finite number",
        ),
    ],
)
def test_malformed_files_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bench.json"
    path.write_text(text)
    with pytest.raises(BenchInputError, match=message):
        load_result(path)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BenchInputError, match=r"base\.json: no such file"):
        load_result(tmp_path / "base.json")
