"""README's example bench.json has the shape of a real one: the same fields at every level."""

from __future__ import annotations

import json
import re
from pathlib import Path

from aztec.bench.aggregate import aggregate_directory
from aztec.bench.runner import run_scenarios
from aztec.bench.scenarios import SCENARIOS, RunSettings
from aztec.bench.schema import SCHEMA_VERSION

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_example() -> dict[str, object]:
    section = README.read_text(encoding="utf-8").split("### Benchmark reports from metrics", 1)[1]
    match = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert match, "README's benchmark section has no ```json example of bench.json"
    example = json.loads(match.group(1))
    assert isinstance(example, dict)
    return example


def test_the_readme_example_has_the_fields_of_a_real_bench_json(tmp_path: Path) -> None:
    run_scenarios([SCENARIOS["telemetry"]], tmp_path / "run", settings=RunSettings(0.05), repeats=2)
    real = json.loads(aggregate_directory(tmp_path / "run", commit="c").dumps())
    example = _readme_example()
    assert example.keys() == real.keys()
    assert example["schema_version"] == real["schema_version"] == SCHEMA_VERSION
    metric, buckets = next(iter(example["metrics"].items()))  # type: ignore[attr-defined]
    bucket, series = next(iter(buckets.items()))
    assert series.keys() == real["metrics"][metric][bucket].keys()
    assert len(series["repeats"]) == example["repeats"] and len(series["interval"]) == 2
