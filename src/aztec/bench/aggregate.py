"""Aggregation of a directory of NDJSON metrics files into a :class:`BenchResult`.

How lines combine, per series (metric + bucket), following each line's temporality:

- delta (counters, histograms): lines are summed (histograms merge their bucket counts);
- cumulative (up-down counters): the last line of each file is the value; files, being separate
  clients, are summed;
- gauges: the last value recorded, by time, over all files.

Histograms report their mean, p50 and p95 (see :mod:`aztec.bench.quantile`), count, min and max.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aztec.bench.errors import BenchInputError
from aztec.bench.ndjson_reader import DataPoint, HistogramCounts, read_points
from aztec.bench.quantile import histogram_quantile
from aztec.bench.schema import BenchResult, BucketValue
from aztec.bench.series_key import bucket_key

UNKNOWN_COMMIT = "unknown"


def aggregate_directory(directory: Path, *, timestamp: str | None = None, commit: str | None = None) -> BenchResult:
    """Read every ``*.ndjson`` file of ``directory``; ``timestamp`` and ``commit`` default to now and git HEAD."""
    files = ndjson_files(directory)
    points = [point for path in files for point in read_points(path)]
    if not points:
        raise BenchInputError(f"{directory}: the NDJSON files hold no data points")
    return BenchResult(
        timestamp=timestamp if timestamp is not None else utc_now(),
        commit=commit if commit is not None else git_commit(),
        scenarios=tuple(path.stem for path in files),
        metrics=aggregate_points(points),
    )


def ndjson_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise BenchInputError(f"{directory}: no such directory")
    files = sorted(path for path in directory.glob("*.ndjson") if path.is_file())
    if not files:
        raise BenchInputError(f"{directory}: no *.ndjson files (run `aztec bench run --out {directory}` first)")
    return files


def aggregate_points(points: Iterable[DataPoint]) -> dict[str, dict[str, BucketValue]]:
    """``{metric: {bucket: value}}`` from data points of any number of files."""
    series: dict[str, dict[str, list[DataPoint]]] = defaultdict(lambda: defaultdict(list))
    first_of_metric: dict[str, DataPoint] = {}
    for point in points:
        first = first_of_metric.setdefault(point.metric, point)
        if (point.kind, point.unit) != (first.kind, first.unit):
            raise BenchInputError(
                f"{point.where}: {point.metric} is a {point.kind} in {point.unit!r} here but a {first.kind} "
                f"in {first.unit!r} at {first.where}"
            )
        series[point.metric][bucket_key(point.attributes)].append(point)
    result: dict[str, dict[str, BucketValue]] = {}
    for metric, buckets in series.items():
        values = {key: value for key, lines in buckets.items() if (value := _series_value(lines)) is not None}
        if values:
            result[metric] = values
    return result


def _series_value(points: Sequence[DataPoint]) -> BucketValue | None:
    first = points[0]
    for point in points:
        if dict(point.attributes) != dict(first.attributes):
            raise BenchInputError(
                f"{point.where}: attributes {dict(point.attributes)} and {dict(first.attributes)} "
                f"(at {first.where}) of {point.metric} give the same bucket {bucket_key(point.attributes)!r}"
            )
        if point.temporality != first.temporality:
            raise BenchInputError(
                f"{point.where}: {point.metric} is {point.temporality} here but {first.temporality} at {first.where}"
            )
    chosen = _combine(points)
    attributes = dict(first.attributes)
    if first.kind != "histogram":
        total = sum(point.value for point in chosen if point.value is not None)
        return BucketValue(kind=first.kind, unit=first.unit, value=total, attributes=attributes)
    merged = _merge(chosen)
    if merged.count == 0:
        return None
    quantiles = {
        q: histogram_quantile(q, merged.bounds, merged.bucket_counts, minimum=merged.min, maximum=merged.max)
        for q in (0.5, 0.95)
    }
    return BucketValue(
        kind="histogram",
        unit=first.unit,
        value=merged.sum / merged.count,
        attributes=attributes,
        count=merged.count,
        p50=quantiles[0.5],
        p95=quantiles[0.95],
        min=merged.min,
        max=merged.max,
    )


def _combine(points: Sequence[DataPoint]) -> list[DataPoint]:
    """The lines whose values add up to the series' value, by temporality (see the module docstring)."""
    ordered = sorted(points, key=lambda p: (p.time_unix_nano, str(p.source), p.line))
    temporality = points[0].temporality
    if temporality == "delta":
        return ordered
    if temporality is None:  # a gauge: the last value wins
        return [ordered[-1]]
    last_per_file: dict[Path, DataPoint] = {}
    for point in ordered:
        last_per_file[point.source] = point
    return list(last_per_file.values())


@dataclass(frozen=True)
class _Merged:
    count: int
    sum: float
    min: float | None
    max: float | None
    bounds: tuple[float, ...]
    bucket_counts: tuple[int, ...]


def _merge(points: Sequence[DataPoint]) -> _Merged:
    histograms = [_counts(point) for point in points]
    first = histograms[0]
    counts = [0] * len(first.bucket_counts)
    for histogram, point in zip(histograms, points, strict=True):
        if histogram.bounds != first.bounds:
            raise BenchInputError(
                f"{point.where}: {point.metric} has bucket bounds {list(histogram.bounds)} here but "
                f"{list(first.bounds)} at {points[0].where}; histograms with different bounds cannot be merged"
            )
        counts = [a + b for a, b in zip(counts, histogram.bucket_counts, strict=True)]
    mins = [h.min for h in histograms if h.count > 0]
    maxes = [h.max for h in histograms if h.count > 0]
    return _Merged(
        count=sum(h.count for h in histograms),
        sum=sum(h.sum for h in histograms),
        min=None if not mins or None in mins else min(m for m in mins if m is not None),
        max=None if not maxes or None in maxes else max(m for m in maxes if m is not None),
        bounds=first.bounds,
        bucket_counts=tuple(counts),
    )


def _counts(point: DataPoint) -> HistogramCounts:
    if point.histogram is None:
        raise BenchInputError(f"{point.where}: a histogram line without counts")
    return point.histogram


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def git_commit(cwd: Path | None = None) -> str:
    """``git rev-parse HEAD`` in ``cwd`` (default: the current directory), or ``"unknown"``."""
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN_COMMIT
    return completed.stdout.strip() or UNKNOWN_COMMIT
