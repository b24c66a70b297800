"""Aggregation of a directory of NDJSON metrics files into a :class:`BenchResult`.

``aztec bench run`` writes one subdirectory per repeat (``repeat-1/``, ``repeat-2/``...), each with one
file per scenario; a directory without ``repeat-*`` subdirectories is one repeat. Each repeat gives one
value per series; the result keeps every repeat's value, their mean and 99% interval
(:mod:`aztec.bench.stats`).

How lines combine within a repeat, per series (metric + bucket), following each line's temporality:

- delta (counters, histograms): lines are summed (histograms merge their bucket counts);
- cumulative (up-down counters): the last line of each file is the value; files, being separate
  clients, are summed;
- gauges: the last value recorded, by time, over all files.

A histogram's value is its mean; its p50 and p95 (see :mod:`aztec.bench.quantile`), count, min and max
are over the records of every repeat together.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from aztec.bench.errors import BenchInputError
from aztec.bench.ndjson_reader import DataPoint, HistogramCounts, read_points
from aztec.bench.quantile import histogram_quantile
from aztec.bench.schema import BenchResult, BucketValue
from aztec.bench.series_key import bucket_key
from aztec.bench.stats import spread

UNKNOWN_COMMIT = "unknown"
REPEAT_PREFIX = "repeat-"
_REPEAT_NAME = re.compile(r"repeat-([1-9][0-9]*)")


def repeat_directory(out_dir: Path, index: int) -> Path:
    """Where repeat ``index`` (from 1) of a run writes its NDJSON files."""
    return out_dir / f"{REPEAT_PREFIX}{index}"


def aggregate_directory(directory: Path, *, timestamp: str | None = None, commit: str | None = None) -> BenchResult:
    """Read every repeat of ``directory``; ``timestamp`` and ``commit`` default to now and git HEAD."""
    repeats = repeat_directories(directory)
    files = [ndjson_files(repeat) for repeat in repeats]
    scenarios = [tuple(path.stem for path in repeat_files) for repeat_files in files]
    for repeat, names in zip(repeats[1:], scenarios[1:], strict=True):
        if names != scenarios[0]:
            raise BenchInputError(
                f"{repeat}: holds scenarios {', '.join(names)} but {repeats[0]} holds {', '.join(scenarios[0])}"
            )
    points = [[point for path in repeat_files for point in read_points(path)] for repeat_files in files]
    if not any(points):
        raise BenchInputError(f"{directory}: the NDJSON files hold no data points")
    return BenchResult(
        timestamp=timestamp if timestamp is not None else utc_now(),
        commit=commit if commit is not None else git_commit(),
        scenarios=scenarios[0],
        metrics=aggregate_repeats(points),
        repeats=len(repeats),
    )


def repeat_directories(directory: Path) -> list[Path]:
    """``directory``'s ``repeat-N`` subdirectories in order of N, or ``[directory]`` when it has none."""
    if not directory.is_dir():
        raise BenchInputError(f"{directory}: no such directory")
    numbered = [
        (int(match.group(1)), path)
        for path in directory.iterdir()
        if path.is_dir() and (match := _REPEAT_NAME.fullmatch(path.name))
    ]
    return [path for _, path in sorted(numbered)] or [directory]


def ndjson_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise BenchInputError(f"{directory}: no such directory")
    files = sorted(path for path in directory.glob("*.ndjson") if path.is_file())
    if not files:
        raise BenchInputError(f"{directory}: no *.ndjson files (run `aztec bench run --out {directory}` first)")
    return files


def aggregate_repeats(repeats: Sequence[Sequence[DataPoint]]) -> dict[str, dict[str, BucketValue]]:
    """``{metric: {bucket: value}}`` over repeats: each repeat's value, their mean and interval."""
    per_repeat = [aggregate_points(points) for points in repeats]
    # Histograms only: over all repeats, delta lines simply add up (cumulative series would not).
    together = aggregate_points(point for points in repeats for point in points)
    result: dict[str, dict[str, BucketValue]] = {}
    for metric, buckets in together.items():
        result[metric] = {}
        for bucket, merged in buckets.items():
            values = [repeat[metric][bucket].value for repeat in per_repeat if bucket in repeat.get(metric, {})]
            summary = spread(values)
            result[metric][bucket] = replace(
                merged, value=summary.mean, repeats=summary.values, interval=summary.interval
            )
    return result


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
