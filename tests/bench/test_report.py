"""The Markdown comment against a golden file; what is flagged, summarised, said once or left out; plots."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib.container import ErrorbarContainer

from aztec.bench.compare import BETTER_SIGN, WORSE_SIGN
from aztec.bench.errors import BenchInputError
from aztec.bench.plots import draw_plot
from aztec.bench.report import MARKER, area_of, area_title, build_report, render_markdown, write_report
from aztec.bench.schema import load_result
from tests.bench.sample_results import BASE, HEAD

GOLDEN = Path(__file__).parent / "golden" / "report.md"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TREES = "aztec.world_state.tree_insertion.duration"
BLOCKS = "aztec.sequencer.block.build_duration"
PROVING = "aztec.circuit.proving.duration"


def test_report_matches_the_golden_file() -> None:
    markdown = build_report(HEAD, BASE).markdown
    if os.environ.get("AZTEC_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8"), "set AZTEC_UPDATE_GOLDEN=1 to regenerate, then review"


def _rows() -> dict[str, str]:
    """Table rows by their bucket label (the second cell)."""
    lines = render_markdown(HEAD, BASE).splitlines()
    return {line.split(" | ")[1]: line for line in lines if line.startswith("| `")}


def test_flags_follow_the_thresholds_and_the_noise() -> None:
    rows = _rows()
    assert "| +15.0% |" in rows["circuit=base-rollup"]  # exactly 15%: not more
    assert f"+15.1% {WORSE_SIGN}" in rows["circuit=merge-rollup"]
    assert f"-20.0% {BETTER_SIGN}" in rows["circuit=root-rollup"]  # faster
    assert "| +30.0% |" in rows["leaves=16, tree=nullifier"]  # under 10 ms: 30% allowed
    assert f"+30.2% {WORSE_SIGN}" in rows["leaves=16, tree=note_hash"]
    assert f"+33.3% {WORSE_SIGN}" in rows["txs=32"]  # 0.9 s -> 1.2 s
    assert "+25.0% (within noise)" in rows["txs=64"]  # past 15% but the intervals overlap
    assert rows["circuit=base-parity"].endswith("| new |")
    assert rows["circuit=root-parity"].endswith("| removed |")
    assert f"+20.0% {WORSE_SIGN}" in rows["db=world_state"]  # bytes: 15%
    assert f"+30.0% {BETTER_SIGN}" in rows[""]  # gas per second: bigger is better
    assert build_report(HEAD, BASE, plots=False).flagged == 6


def test_the_summary_at_the_top_says_what_got_worse_and_better() -> None:
    markdown = render_markdown(HEAD, BASE)
    top = markdown.split("### ", 1)[0]
    assert "**4 worse, 2 better.**" in top
    worse, better = top.split(f"{WORSE_SIGN} Worse:")[1].split(f"{BETTER_SIGN} Better:")
    assert worse.index("(txs=32): 900 ms → 1.2 s (+33.3%)") < worse.index("(+15.1%)")  # largest first
    assert "`aztec.public_processor.gas_rate`: 1M gas/s → 1.3M gas/s (+30.0%)" in better
    assert "Series 2 only in head, 2 only in base" in top


def test_a_self_comparison_flags_nothing() -> None:
    report = build_report(HEAD, HEAD, plots=False)
    assert report.flagged == 0
    assert "**No significant change.**" in report.markdown and WORSE_SIGN not in report.markdown.split("Values are")[0]


def test_constants_are_said_once_and_non_performance_series_left_out() -> None:
    markdown = render_markdown(HEAD, BASE)
    assert markdown.count("proof_size") == 1
    assert "| `aztec.circuit.proving.proof_size` (prover=native) | every circuit (5 buckets) | 4 KiB |" in markdown
    assert "`proving.duration` (prover=native) | circuit=base-rollup |" in markdown  # the shared attribute once
    assert "block.count" not in markdown  # a count of blocks is not a performance figure
    assert "1 series that is not a performance figure" in markdown


def test_areas_are_the_second_segment_of_the_name() -> None:
    assert area_of("aztec.world_state.tree_insertion.duration") == "world_state"
    assert area_of("process.cpu.time") == "other"
    assert [area_title(a) for a in ("world_state", "circuit", "db", "l1")] == ["World state", "Circuit", "DB", "L1"]
    markdown = render_markdown(HEAD, BASE)
    headings = [line for line in markdown.splitlines() if line.startswith("### ")]
    assert headings == [
        "### Circuit",
        "### DB",
        "### Public processor",
        "### Sequencer",
        "### World state",
        "### Unchanged values",
    ]
    assert markdown.rstrip("\n").splitlines()[-1] == MARKER


def test_buckets_are_in_numeric_order() -> None:
    markdown = render_markdown(HEAD, None)
    order = [markdown.index(f"| txs={n} |") for n in (4, 16, 32, 64)]
    assert order == sorted(order)
    trees = [markdown.index(label) for label in ("leaves=16, tree=note_hash", "leaves=16, tree=nullifier", "leaves=64")]
    assert trees == sorted(trees)


def test_without_a_base_there_is_no_change_column() -> None:
    markdown = render_markdown(HEAD, None)
    assert "no base to compare against" in markdown
    assert "| Change |" not in markdown and WORSE_SIGN not in markdown
    assert "### Constant values" in markdown


def test_plots_are_written_beside_the_report_readable_by_others_and_linked(tmp_path: Path) -> None:
    report = build_report(HEAD, BASE)
    assert sorted(report.images) == [
        "aztec.circuit.proving.duration.png",
        "aztec.sequencer.block.build_duration.png",
        "aztec.world_state.tree_insertion.duration.png",
    ]
    written = write_report(report, tmp_path / "out" / "report.md")
    assert [p.name for p in written][-1] == "report.md"
    for name in report.images:
        assert (tmp_path / "out" / name).read_bytes().startswith(PNG_SIGNATURE)
        assert f"]({name})" in report.markdown
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*report.images, "report.md"])
    assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {0o644}


def test_image_url_prefixes_the_links() -> None:
    report = build_report(HEAD, None, image_url="https://example.org/run/7/")
    assert "(https://example.org/run/7/aztec.sequencer.block.build_duration.png)" in report.markdown


def test_a_missing_base_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(BenchInputError, match="no such file"):
        load_result(tmp_path / "base.json")
    assert list(tmp_path.iterdir()) == []


def test_plots_are_in_numeric_order_with_error_bars_and_log_scales_over_decades() -> None:
    trees = draw_plot(TREES, HEAD.metrics[TREES], BASE.metrics[TREES]).axes[0]
    assert [tick.get_text() for tick in trees.get_xticklabels()] == ["16", "64"]  # numbers on the x axis
    assert trees.get_xlabel() == "leaves" and trees.get_yscale() == "linear"  # 5 to 12 ms: no decade
    labels = trees.get_legend_handles_labels()[1]
    assert labels == ["tree=note_hash base", "tree=note_hash head", "tree=nullifier base", "tree=nullifier head"]
    assert all(isinstance(c, ErrorbarContainer) for c in trees.containers)
    assert all(c.has_yerr for c in trees.containers if isinstance(c, ErrorbarContainer))

    blocks = draw_plot(BLOCKS, HEAD.metrics[BLOCKS], BASE.metrics[BLOCKS]).axes[0]
    assert [tick.get_text() for tick in blocks.get_xticklabels()] == ["4", "16", "32", "64"]
    assert blocks.get_xscale() == "log"  # 4 to 64 txs: more than a factor of 10
    assert blocks.get_yscale() == "linear"  # 0.2 to 2 s: a factor of 10 exactly

    proving = draw_plot(PROVING, HEAD.metrics[PROVING], BASE.metrics[PROVING]).axes[0]
    circuits = [tick.get_text() for tick in proving.get_yticklabels()]
    assert circuits == [
        f"circuit={c}" for c in ("base-parity", "base-rollup", "merge-rollup", "root-parity", "root-rollup")
    ]
    assert proving.get_xscale() == "linear"


def test_a_plot_spanning_decades_is_logarithmic() -> None:
    spread_out = {
        key: replace(value, value=value.value * 10**index)
        for index, (key, value) in enumerate(sorted(HEAD.metrics[PROVING].items()))
    }
    assert draw_plot(PROVING, spread_out, None).axes[0].get_xscale() == "log"
