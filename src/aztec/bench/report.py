"""The Markdown benchmark comment: a table per area, changes against the base, plots, and a marker line.

Rendering happens in memory (:func:`build_report`); :func:`write_report` then writes the plots and the
Markdown, each atomically, so a failure never leaves a half-written report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from aztec.bench.atomic import write_bytes_atomic, write_text_atomic
from aztec.bench.compare import (
    SMALL_DURATION_S,
    SMALL_DURATION_WARNING_PERCENT,
    WARNING_PERCENT,
    WARNING_SIGN,
    Change,
    compare,
)
from aztec.bench.plots import plot_filename, plotted_metrics, render_plot
from aztec.bench.schema import BenchResult, BucketValue
from aztec.bench.series_key import sorted_buckets
from aztec.bench.units import format_value

MARKER: Final = "<!-- aztec-benchmark-report -->"
"""The last line of every report: a CI job finds its earlier comment by it and edits it in place."""

TITLE: Final = "## Benchmarks"


@dataclass(frozen=True)
class Report:
    markdown: str
    flagged: int
    """How many values moved beyond their warning threshold."""
    images: dict[str, bytes] = field(default_factory=dict)
    """PNG files by name, to be written beside the Markdown."""


def build_report(
    head: BenchResult, base: BenchResult | None = None, *, plots: bool = True, image_url: str | None = None
) -> Report:
    """Render the comment; ``image_url`` prefixes plot links (default: files beside the Markdown)."""
    images: dict[str, bytes] = {}
    links: dict[str, str] = {}
    if plots:
        for metric in plotted_metrics(head):
            name = plot_filename(metric)
            images[name] = render_plot(metric, head.metrics[metric], base.metrics.get(metric) if base else None)
            links[metric] = f"{image_url.rstrip('/')}/{name}" if image_url else name
    flagged = sum(1 for row in _rows(head, base) if row.flagged)
    return Report(render_markdown(head, base, links), flagged, images)


def write_report(report: Report, out: Path) -> list[Path]:
    """Write the plots beside ``out``, then ``out`` itself; returns every path written."""
    written = []
    for name, png in sorted(report.images.items()):
        path = out.parent / name
        write_bytes_atomic(path, png)
        written.append(path)
    write_text_atomic(out, report.markdown)
    return [*written, out]


@dataclass(frozen=True)
class _Row:
    metric: str
    bucket: str
    head: BucketValue | None
    base: BucketValue | None

    @property
    def change(self) -> Change | None:
        if self.head is None or self.base is None:
            return None
        return compare(self.head.value, self.base.value, self.head.unit)

    @property
    def flagged(self) -> bool:
        change = self.change
        return change is not None and change.warning


def render_markdown(head: BenchResult, base: BenchResult | None, plot_links: dict[str, str] | None = None) -> str:
    rows = _rows(head, base)
    flagged = sum(1 for row in rows if row.flagged)
    lines = [TITLE, "", _header(head, base, flagged), ""]
    by_area: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_area[area_of(row.metric)].append(row)
    for area in sorted(by_area):
        lines += [f"### {area_title(area)}", "", *_table(by_area[area], base is not None), ""]
        for metric in sorted({row.metric for row in by_area[area]}):
            if plot_links and metric in plot_links:
                lines += [f"![{metric}]({plot_links[metric]})", ""]
    lines.append(MARKER)
    return "\n".join(lines) + "\n"


def area_of(metric: str) -> str:
    """The subsystem a metric belongs to: its second dotted segment (``aztec.circuit.x`` -> ``circuit``)."""
    parts = metric.split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "aztec" else "other"


def area_title(area: str) -> str:
    """``world_state`` -> ``World state``; short names are acronyms (``db`` -> ``DB``, ``l1`` -> ``L1``)."""
    return area.upper() if len(area) <= 3 else area.replace("_", " ").capitalize()


def _short_name(metric: str) -> str:
    prefix = f"aztec.{area_of(metric)}."
    return metric.removeprefix(prefix) if metric.startswith(prefix) else metric


def _header(head: BenchResult, base: BenchResult | None, flagged: int) -> str:
    text = f"Head `{_short_commit(head.commit)}` ({head.timestamp})"
    if base is None:
        text += "; no base to compare against."
    else:
        text += f" against base `{_short_commit(base.commit)}` ({base.timestamp})."
        if flagged:
            text += f" **{flagged} value{'s' if flagged != 1 else ''} moved beyond the threshold.**"
        else:
            text += " No value moved beyond the threshold."
    legend = (
        "Values are means for histograms (with p50 and p95), totals for counters and last values for gauges. "
        f"{WARNING_SIGN} marks a change of more than {WARNING_PERCENT:g}% "
        f"({SMALL_DURATION_WARNING_PERCENT:g}% for durations under {SMALL_DURATION_S * 1000:g} ms)."
    )
    return f"{text}\n\n{legend}"


def _short_commit(commit: str) -> str:
    return commit[:12]


def _rows(head: BenchResult, base: BenchResult | None) -> list[_Row]:
    base_metrics = base.metrics if base is not None else {}
    rows = []
    for metric in sorted(set(head.metrics) | set(base_metrics)):
        head_buckets = head.metrics.get(metric, {})
        base_buckets = base_metrics.get(metric, {})
        for bucket in sorted_buckets(set(head_buckets) | set(base_buckets)):
            rows.append(_Row(metric, bucket, head_buckets.get(bucket), base_buckets.get(bucket)))
    return rows


def _table(rows: Iterable[_Row], with_base: bool) -> list[str]:
    columns = ["Metric", "Bucket", "Value", "p50", "p95"] + (["Base", "Change"] if with_base else [])
    lines = [_line(columns), _line(["---"] * len(columns))]
    for row in rows:
        current = row.head
        cells = [
            f"`{_short_name(row.metric)}`",
            _escape(row.bucket),
            _format(current, current.value if current else None),
            _format(current, current.p50 if current else None),
            _format(current, current.p95 if current else None),
        ]
        if with_base:
            cells += [_format(row.base, row.base.value if row.base else None), _change_text(row)]
        lines.append(_line(cells))
    return lines


def _change_text(row: _Row) -> str:
    if row.base is None:
        return "new"
    if row.head is None:
        return "removed"
    change = row.change
    return change.text() if change is not None else ""


def _format(value: BucketValue | None, number: float | None) -> str:
    if value is None:
        return "—"
    return "" if number is None else format_value(number, value.unit)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
