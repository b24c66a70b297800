"""The Markdown benchmark comment: a summary of what got better or worse, a table per area, plots, a marker.

What it shows (see :mod:`aztec.bench.compare` for when a change is flagged):

- the header: head and base commits with their repeats, and a summary of the flagged changes;
- per area (the metric's second name segment), the performance figures that vary: mean with its 99%
  interval, p95 for histograms, base and change; buckets labelled (``txs=16, tree=nullifier``), and
  an attribute with one value in every bucket of a metric said once, beside the metric's name;
- values identical in every repeat of head and base (sizes, gas, proof size...) once, in one table;
- series that are not performance figures (heights, counts, configured sizes) are left out (counted).

Rendering happens in memory (:func:`build_report`); :func:`write_report` then writes the plots and the
Markdown, each atomically, so a failure never leaves a half-written report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from aztec.bench.atomic import write_bytes_atomic, write_text_atomic
from aztec.bench.compare import (
    BETTER_SIGN,
    SMALL_DURATION_S,
    SMALL_DURATION_WARNING_PERCENT,
    WARNING_PERCENT,
    WORSE_SIGN,
    Change,
    compare,
)
from aztec.bench.labels import attribute_label, bucket_label, shared_attributes
from aztec.bench.performance import better_of
from aztec.bench.plots import plot_filename, plotted_metrics, render_plot
from aztec.bench.schema import BenchResult, BucketValue
from aztec.bench.series_key import bucket_key, sorted_buckets
from aztec.bench.stats import CONFIDENCE_TEXT
from aztec.bench.units import format_relative, format_value
from aztec.telemetry.definitions import Better

MARKER: Final = "<!-- aztec-benchmark-report -->"
"""The last line of every report: a CI job finds its earlier comment by it and edits it in place."""

TITLE: Final = "## Benchmarks"
SUMMARY_ITEMS: Final = 8
"""Flagged changes listed by name in the summary, per direction; the tables have the rest."""


@dataclass(frozen=True)
class Report:
    markdown: str
    flagged: int
    """How many values moved beyond both their threshold and the measured noise."""
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
    flagged = sum(1 for row in rows_of(head, base) if row.flagged)
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
class Row:
    """One series (metric and bucket) of head and base, either of which may be missing."""

    metric: str
    bucket: str
    head: BucketValue | None
    base: BucketValue | None
    better: Better | None
    """None: not a performance figure."""

    @property
    def unit(self) -> str:
        present = self.head or self.base
        return present.unit if present is not None else ""

    @property
    def change(self) -> Change | None:
        if self.head is None or self.base is None or self.better is None:
            return None
        return compare(self.head, self.base, self.better)

    @property
    def flagged(self) -> bool:
        change = self.change
        return change is not None and change.flagged

    @property
    def constant(self) -> bool:
        """Every repeat of head and base (those present) gave one and the same value."""
        values = {v for side in (self.head, self.base) if side is not None for v in side.repeat_values}
        return len(values) == 1


def rows_of(head: BenchResult, base: BenchResult | None) -> list[Row]:
    """Every series of head and base, by metric name and bucket (natural order)."""
    base_metrics = base.metrics if base is not None else {}
    rows = []
    for metric in sorted(set(head.metrics) | set(base_metrics)):
        head_buckets = head.metrics.get(metric, {})
        base_buckets = base_metrics.get(metric, {})
        for bucket in sorted_buckets(set(head_buckets) | set(base_buckets)):
            head_value, base_value = head_buckets.get(bucket), base_buckets.get(bucket)
            present = head_value or base_value
            better = better_of(metric, present.unit) if present is not None else None
            rows.append(Row(metric, bucket, head_value, base_value, better))
    return rows


def render_markdown(head: BenchResult, base: BenchResult | None, plot_links: dict[str, str] | None = None) -> str:
    rows = rows_of(head, base)
    figures = [row for row in rows if row.better is not None]
    varying = [row for row in figures if not row.constant]
    constants = [row for row in figures if row.constant]
    left_out = len(rows) - len(figures)
    lines = [TITLE, "", _header(head, base), "", *_summary(rows, base is not None), ""]
    by_area: dict[str, list[Row]] = defaultdict(list)
    for row in varying:
        by_area[area_of(row.metric)].append(row)
    for area in sorted(by_area):
        lines += [f"### {area_title(area)}", "", *_table(by_area[area], head.repeats > 1, base is not None), ""]
        for metric in sorted({row.metric for row in by_area[area]}):
            if plot_links and metric in plot_links:
                lines += [f"![{metric}]({plot_links[metric]})", ""]
    if constants:
        lines += [
            "### Unchanged values" if base is not None else "### Constant values",
            "",
            f"{len(constants)} values were the same in every repeat"
            + (" of head and base" if base is not None else "")
            + " (sizes, gas...):",
            "",
            "<details><summary>show</summary>",
            "",
            *_constant_table(constants),
            "",
            "</details>",
            "",
        ]
    if left_out:
        what = (
            "series that are not performance figures (heights, counts, configured sizes) are"
            if left_out != 1
            else "series that is not a performance figure (a height, count or configured size) is"
        )
        lines += [f"{left_out} {what} left out; the bench.json files have them.", ""]
    lines += [_legend(base is not None), "", MARKER]
    return "\n".join(lines) + "\n"


def area_of(metric: str) -> str:
    """The subsystem a metric belongs to: its second dotted segment (``aztec.circuit.x`` -> ``circuit``)."""
    parts = metric.split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "aztec" else "other"


def area_title(area: str) -> str:
    """``world_state`` -> ``World state``; short names are acronyms (``db`` -> ``DB``, ``l1`` -> ``L1``)."""
    return area.upper() if len(area) <= 3 else area.replace("_", " ").capitalize()


def short_name(metric: str) -> str:
    prefix = f"aztec.{area_of(metric)}."
    return metric.removeprefix(prefix) if metric.startswith(prefix) else metric


def _header(head: BenchResult, base: BenchResult | None) -> str:
    text = f"Head `{_short_commit(head.commit)}` ({head.timestamp}, {_repeats(head.repeats)})"
    if base is None:
        return text + "; no base to compare against."
    return text + f" against base `{_short_commit(base.commit)}` ({base.timestamp}, {_repeats(base.repeats)})."


def _repeats(count: int) -> str:
    return f"{count} repeat{'s' if count != 1 else ''}"


def _summary(rows: Sequence[Row], with_base: bool) -> list[str]:
    if not with_base:
        return []
    changed = [(row, change) for row in rows if (change := row.change) is not None and change.verdict is not None]
    worse = [(row, change) for row, change in changed if change.verdict == "worse"]
    better = [(row, change) for row, change in changed if change.verdict == "better"]
    untested = [row for row in rows if (change := row.change) is not None and change.beyond_noise is None]
    figures = [row for row in rows if row.better is not None]
    new = sum(1 for row in figures if row.base is None)
    removed = sum(1 for row in figures if row.head is None)
    appeared = [f"{count} only in {side}" for count, side in ((new, "head"), (removed, "base")) if count]
    footnote = f"Series {', '.join(appeared)}: see the tables." if appeared else ""
    if not changed:
        text = "**No significant change.**"
        if untested:
            text += " With a single repeat the noise is unknown, so nothing is flagged: run with `--repeats 2` or more."
        return [text, "", footnote] if footnote else [text]
    shared = {
        metric: shared_attributes({row.bucket: _attributes(row) for row in rows if row.metric == metric})
        for metric in {row.metric for row, _ in changed}
    }
    counts = ", ".join(f"{len(group)} {name}" for name, group in (("worse", worse), ("better", better)) if group)
    lines = [f"**{counts}.**", ""]
    for sign, name, group in ((WORSE_SIGN, "Worse", worse), (BETTER_SIGN, "Better", better)):
        if not group:
            continue
        group.sort(key=lambda item: -abs(item[1].percent) if item[1].percent is not None else float("-inf"))
        lines.append(f"{sign} {name}:")
        for row, change in group[:SUMMARY_ITEMS]:
            assert row.head is not None and row.base is not None  # a change needs both
            label = bucket_label(row.head.attributes, shared[row.metric])
            where = f" ({label})" if label else ""
            before, after = format_value(row.base.value, row.unit), format_value(row.head.value, row.unit)
            lines.append(f"- `{row.metric}`{where}: {before} → {after} ({change.label})")
        if len(group) > SUMMARY_ITEMS:
            lines.append(f"- and {len(group) - SUMMARY_ITEMS} more in the tables below")
        lines.append("")
    return [*lines, footnote] if footnote else lines[:-1]


def _legend(with_base: bool) -> str:
    text = (
        "Values are means over the repeats (a histogram's mean per repeat, a counter's total, a gauge's last "
        f"value), ± the half-width of their {CONFIDENCE_TEXT} confidence interval; p95 is over all records."
    )
    if with_base:
        text += (
            f" A change is flagged ({WORSE_SIGN} worse, {BETTER_SIGN} better) when it is more than "
            f"{WARNING_PERCENT:g}% ({SMALL_DURATION_WARNING_PERCENT:g}% for durations under "
            f"{SMALL_DURATION_S * 1000:g} ms) **and** the {CONFIDENCE_TEXT} intervals of head and base do not "
            "overlap; "
            "a change past the threshold but inside the noise says so."
        )
    return text


def _short_commit(commit: str) -> str:
    return commit[:12]


def _table(rows: Sequence[Row], with_interval: bool, with_base: bool) -> list[str]:
    columns = ["Metric", "Bucket", "Value", "p95"] + (["Base", "Change"] if with_base else [])
    lines = [_line(columns), _line(["---"] * len(columns))]
    for metric, group in _by_metric(rows):
        hidden = shared_attributes({row.bucket: _attributes(row) for row in group})
        said_once = _said_once(group[0], hidden)
        for row in group:
            cells = [
                f"`{short_name(metric)}`{said_once}",
                _escape(bucket_label(_attributes(row), hidden)),
                _mean(row.head, with_interval),
                _format(row.head, row.head.p95 if row.head else None),
            ]
            if with_base:
                cells += [_mean(row.base, with_interval), _change_text(row)]
            lines.append(_line(cells))
    return lines


def _constant_table(rows: Sequence[Row]) -> list[str]:
    """One row per series, or one per metric when all its buckets hold the same value."""
    lines = [_line(["Metric", "Bucket", "Value"]), _line(["---"] * 3)]
    for metric, group in _by_metric(rows):
        hidden = shared_attributes({row.bucket: _attributes(row) for row in group})
        said_once = _said_once(group[0], hidden)
        first = group[0].head or group[0].base
        if len(group) > 1 and first is not None and len({_value(row) for row in group}) == 1:
            varying = sorted(set(_attributes(group[0])) - hidden)
            every = f"every {' and '.join(attribute_label(name) for name in varying)} ({len(group)} buckets)"
            lines.append(_line([f"`{metric}`{said_once}", every, format_value(first.value, first.unit)]))
            continue
        for row in group:
            present = row.head or row.base
            cells = [f"`{metric}`{said_once}", _escape(bucket_label(_attributes(row), hidden))]
            lines.append(_line([*cells, _format(present, present.value if present else None)]))
    return lines


def _value(row: Row) -> float | None:
    present = row.head or row.base
    return present.value if present is not None else None


def _by_metric(rows: Iterable[Row]) -> list[tuple[str, list[Row]]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.metric, []).append(row)
    return list(groups.items())


def _attributes(row: Row) -> dict[str, str | int | float | bool]:
    present = row.head or row.base
    return dict(present.attributes) if present is not None else {}


def _said_once(row: Row, hidden: frozenset[str]) -> str:
    """The attributes every bucket of the metric shares, once: `` (prover=native)``."""
    if not hidden:
        return ""
    attributes = _attributes(row)
    shared = ", ".join(f"{attribute_label(n)}={bucket_key({n: attributes[n]})}" for n in sorted(hidden))
    return f" ({_escape(shared)})"


def _mean(value: BucketValue | None, with_interval: bool) -> str:
    if value is None:
        return "—"
    text = format_value(value.value, value.unit)
    half = value.spread.half_width
    if with_interval and half is not None:
        text += f" {format_relative(half, value.value)}"
    return text


def _change_text(row: Row) -> str:
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
