"""The Markdown comment against a golden file; plots beside it; no partial output on bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aztec.bench.compare import WARNING_SIGN
from aztec.bench.errors import BenchInputError
from aztec.bench.report import MARKER, area_of, area_title, build_report, render_markdown, write_report
from aztec.bench.schema import load_result
from tests.bench.sample_results import BASE, HEAD

GOLDEN = Path(__file__).parent / "golden" / "report.md"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_report_matches_the_golden_file() -> None:
    markdown = build_report(HEAD, BASE).markdown
    if os.environ.get("AZTEC_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8"), "set AZTEC_UPDATE_GOLDEN=1 to regenerate, then review"


def test_warnings_follow_the_thresholds() -> None:
    rows = {line.split(" | ")[1]: line for line in render_markdown(HEAD, BASE).splitlines() if line.startswith("| `")}
    assert WARNING_SIGN not in rows["base-rollup"]  # +15.0%
    assert f"+15.1% {WARNING_SIGN}" in rows["merge-rollup"]
    assert "+14.9% |" in rows["root-rollup"]
    assert "+30.0% |" in rows["nullifier"]  # under 10 ms: 30% allowed
    assert f"+30.2% {WARNING_SIGN}" in rows["note_hash"]
    assert "+20.0% |" in rows["public_data"]
    assert f"+33.3% {WARNING_SIGN}" in rows["32"]  # 0.9 s -> 1.2 s
    assert rows["base-parity"].endswith("| new |")
    assert rows["root-parity"].endswith("| removed |")
    assert f"+20.0% {WARNING_SIGN}" in rows["world_state"]  # bytes: 15%
    assert build_report(HEAD, BASE, plots=False).flagged == 4


def test_areas_are_the_second_segment_of_the_name() -> None:
    assert area_of("aztec.world_state.tree_insertion.duration") == "world_state"
    assert area_of("process.cpu.time") == "other"
    assert [area_title(a) for a in ("world_state", "circuit", "db", "l1")] == ["World state", "Circuit", "DB", "L1"]
    markdown = render_markdown(HEAD, BASE)
    headings = [line for line in markdown.splitlines() if line.startswith("### ")]
    assert headings == ["### Circuit", "### DB", "### Sequencer", "### World state"]
    assert markdown.rstrip("\n").splitlines()[-1] == MARKER


def test_without_a_base_there_is_no_change_column() -> None:
    markdown = render_markdown(HEAD, None)
    assert "no base to compare against" in markdown
    assert "| Change |" not in markdown and WARNING_SIGN not in markdown.split("\n\n", 3)[-1]


def test_plots_are_written_beside_the_report_and_linked(tmp_path: Path) -> None:
    report = build_report(HEAD, BASE)
    assert sorted(report.images) == [
        "aztec.circuit.simulation.duration.png",
        "aztec.sequencer.block.build_duration.png",
        "aztec.world_state.tree_insertion.duration.png",
    ]
    written = write_report(report, tmp_path / "out" / "report.md")
    assert [p.name for p in written][-1] == "report.md"
    for name in report.images:
        assert (tmp_path / "out" / name).read_bytes().startswith(PNG_SIGNATURE)
        assert f"]({name})" in report.markdown
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*report.images, "report.md"])


def test_image_url_prefixes_the_links() -> None:
    report = build_report(HEAD, None, image_url="https://example.org/run/7/")
    assert "(https://example.org/run/7/aztec.sequencer.block.build_duration.png)" in report.markdown


def test_a_missing_base_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(BenchInputError, match="no such file"):
        load_result(tmp_path / "base.json")
    assert list(tmp_path.iterdir()) == []
