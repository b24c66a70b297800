"""``aztec bench`` through typer's CliRunner: the whole flow, and bad input as clear errors with no output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aztec.bench.errors import ScenarioUnavailableError
from aztec.bench.report import MARKER
from aztec.bench.scenarios import SCENARIOS, RunSettings, Scenario
from aztec.cli.main import app
from aztec.telemetry.api import TelemetryClient
from tests.bench.ndjson_lines import value_line, write_ndjson
from tests.bench.sample_results import BASE

runner = CliRunner()


def test_run_aggregate_report_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["bench", "run", "--out", str(out), "--scenario", "telemetry", "--scale", "0.05", "--repeats", "2"]
    ran = runner.invoke(app, args)
    assert ran.exit_code == 0, ran.output
    assert "wrote 2 NDJSON files" in ran.output
    assert "aztec.demo" not in ran.output  # numbers go to the files, not the terminal

    bench = tmp_path / "bench.json"
    args = [
        "bench",
        "aggregate",
        str(out),
        "--out",
        str(bench),
        "--commit",
        "c0ffee",
        "--timestamp",
        "2025-01-01T00:00:00Z",
    ]
    aggregated = runner.invoke(app, args)
    assert aggregated.exit_code == 0, aggregated.output
    data = json.loads(bench.read_text())
    assert (data["commit"], data["timestamp"], data["scenarios"]) == ("c0ffee", "2025-01-01T00:00:00Z", ["telemetry"])
    assert data["repeats"] == 2
    assert set(data["metrics"]["aztec.demo.operation.duration"]) == {"hash", "sleep"}
    assert len(data["metrics"]["aztec.demo.operation.duration"]["hash"]["repeats"]) == 2

    github = tmp_path / "github.json"
    formatted = runner.invoke(
        app, ["bench", "aggregate", str(out), "--out", str(github), "--format", "github-action-benchmark"]
    )
    assert formatted.exit_code == 0, formatted.output
    names = {entry["name"] for entry in json.loads(github.read_text())}
    assert names == {"aztec.demo.operation.duration [hash]", "aztec.demo.operation.duration [sleep]"}
    assert json.loads((tmp_path / "github.bigger-is-better.json").read_text()) == []
    assert "customSmallerIsBetter" in formatted.output and "customBiggerIsBetter" in formatted.output

    report = tmp_path / "report" / "report.md"
    reported = runner.invoke(app, ["bench", "report", str(bench), "--base", str(bench), "--out", str(report)])
    assert reported.exit_code == 0, reported.output
    markdown = report.read_text()
    assert "### Demo" in markdown and "+0.0%" in markdown and markdown.endswith(MARKER + "\n")
    assert "**No significant change.**" in markdown
    assert (report.parent / "aztec.demo.operation.duration.png").exists()


def test_list_shows_every_scenario() -> None:
    listed = runner.invoke(app, ["bench", "list"])
    assert listed.exit_code == 0
    for name in ("block-building", "circuits", "world-state", "node-sync", "transactions", "telemetry"):
        assert name in listed.output


def test_an_unknown_scenario_is_refused_before_anything_runs(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["bench", "run", "--out", str(out), "-s", "telemetry", "-s", "bogus"])
    assert result.exit_code == 2
    assert "unknown scenario bogus; known scenarios: block-building, circuits" in result.output
    assert not out.exists()


def test_a_scenario_that_is_not_available_fails_with_exit_1_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(telemetry: TelemetryClient, settings: RunSettings) -> None:
        raise ScenarioUnavailableError("unavailable", "a component that does not exist")

    monkeypatch.setitem(SCENARIOS, "unavailable", Scenario("unavailable", "raises", unavailable))
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["bench", "run", "--out", str(out), "-s", "telemetry", "-s", "unavailable", "--repeats", "1"]
    )
    assert result.exit_code == 1
    assert "scenario 'unavailable' is not available yet" in result.output
    assert list(out.iterdir()) == []


def test_a_truncated_ndjson_line_fails_aggregate_and_writes_nothing(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "run" / "circuits.ndjson", [value_line("aztec.x.y", 1, kind="counter")])
    with path.open("a") as file:
        file.write('{"time": "2025-')
    bench = tmp_path / "bench.json"
    result = runner.invoke(app, ["bench", "aggregate", str(tmp_path / "run"), "--out", str(bench)])
    assert result.exit_code == 2
    assert "circuits.ndjson:2: not a JSON line" in result.output
    assert not bench.exists()


def test_an_empty_directory_and_a_bad_timestamp_are_errors(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    result = runner.invoke(app, ["bench", "aggregate", str(tmp_path / "run"), "--out", str(tmp_path / "b.json")])
    assert result.exit_code == 2 and "no *.ndjson files" in result.output
    write_ndjson(tmp_path / "run" / "a.ndjson", [value_line("aztec.x.y", 1, kind="counter")])
    args = ["bench", "aggregate", str(tmp_path / "run"), "--out", str(tmp_path / "b.json"), "--timestamp", "noon"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "--timestamp 'noon' is not an ISO 8601 time" in result.output
    assert not (tmp_path / "b.json").exists()


def test_a_missing_base_fails_report_and_writes_nothing(tmp_path: Path) -> None:
    bench = tmp_path / "bench.json"
    bench.write_text(BASE.dumps())
    out = tmp_path / "report" / "report.md"
    result = runner.invoke(
        app, ["bench", "report", str(bench), "--base", str(tmp_path / "base.json"), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "base.json: no such file" in result.output
    assert not out.parent.exists()


def test_report_without_base_or_plots(tmp_path: Path) -> None:
    bench = tmp_path / "bench.json"
    bench.write_text(BASE.dumps())
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["bench", "report", str(bench), "--out", str(out), "--no-plots"])
    assert result.exit_code == 0, result.output
    assert "no base to compare against" in out.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench.json", "report.md"]


def test_bad_repeats_and_prover_scale_name_the_flag(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["bench", "run", "--out", str(out), "-s", "telemetry", "--prover-scale", "0"])
    assert result.exit_code == 2 and "--prover-scale must be greater than 0, got 0" in result.output
    result = runner.invoke(app, ["bench", "run", "--out", str(out), "-s", "telemetry", "--repeats", "0"])
    assert result.exit_code == 2 and "--repeats" in result.output
    assert not out.exists()


def test_bigger_out_goes_with_the_github_format(tmp_path: Path) -> None:
    write_ndjson(tmp_path / "run" / "a.ndjson", [value_line("aztec.x.y", 1, kind="counter")])
    args = ["bench", "aggregate", str(tmp_path / "run"), "--out", str(tmp_path / "b.json")]
    result = runner.invoke(app, [*args, "--bigger-out", str(tmp_path / "big.json")])
    assert result.exit_code == 2 and "--bigger-out goes with --format github-action-benchmark" in result.output


def test_the_cli_default_repeats_are_the_runners() -> None:
    from aztec.bench.runner import DEFAULT_REPEATS as RUNNER_DEFAULT
    from aztec.cli.bench import DEFAULT_REPEATS

    assert DEFAULT_REPEATS == RUNNER_DEFAULT
