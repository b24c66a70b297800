"""``aztec telemetry metrics`` prints the registry as the metric reference."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.telemetry.registry import all_attributes, all_metrics


def test_markdown_reference_lists_every_metric_and_attribute() -> None:
    result = CliRunner().invoke(app, ["telemetry", "metrics"])
    assert result.exit_code == 0
    for definition in all_metrics():
        assert f"| `{definition.name}` |" in result.output
    for key in all_attributes():
        assert f"| `{key}` |" in result.output


def test_json_reference_is_machine_readable() -> None:
    result = CliRunner().invoke(app, ["telemetry", "metrics", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    by_name = {m["name"]: m for m in data["metrics"]}
    assert set(by_name) == {d.name for d in all_metrics()}
    duration = by_name["aztec.circuit.simulation.duration"]
    assert duration["unit"] == "s" and duration["kind"] == "histogram" and duration["buckets"][0] == 0.0001
    banned = {a["name"] for a in data["attributes"] if a["unbounded"]}
    assert "aztec.tx.hash" in banned
