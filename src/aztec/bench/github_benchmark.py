"""github-action-benchmark's custom formats: ``customSmallerIsBetter`` and ``customBiggerIsBetter`` lists.

The action takes one tool per step, so the two directions are two files: durations, sizes and gas in
the smaller-is-better list, throughput (metrics whose definition says ``better="higher"``) in the
bigger-is-better one. Series that are not performance figures (:mod:`aztec.bench.performance`) are left
out. Each entry is ``metric [bucket]``; ``range`` is ``± `` the half-width of the 99% interval over the
repeats, and ``extra`` says the direction, the repeats and, for histograms, p50 and p95.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from aztec.bench.performance import better_of
from aztec.bench.schema import BenchResult
from aztec.bench.series_key import sorted_buckets
from aztec.telemetry.definitions import Better

TOOLS: Final[dict[Better, str]] = {"lower": "customSmallerIsBetter", "higher": "customBiggerIsBetter"}
DIRECTION_TEXT: Final[dict[Better, str]] = {"lower": "smaller is better", "higher": "bigger is better"}


@dataclass(frozen=True)
class GithubBenchmarkEntry:
    """One entry of github-action-benchmark's custom formats."""

    name: str
    unit: str
    value: float
    better: Better
    range: str | None = None
    extra: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "unit": self.unit, "value": self.value}
        if self.range is not None:
            data["range"] = self.range
        if self.extra is not None:
            data["extra"] = self.extra
        return data


def github_benchmark_entries(result: BenchResult) -> list[GithubBenchmarkEntry]:
    """One entry per performance series, both directions, by metric name and bucket."""
    entries: list[GithubBenchmarkEntry] = []
    for metric, buckets in sorted(result.metrics.items()):
        for bucket in sorted_buckets(buckets):
            value = buckets[bucket]
            better = better_of(metric, value.unit)
            if better is None:
                continue
            name = f"{metric} [{bucket}]" if bucket else metric
            half = value.spread.half_width
            notes = [DIRECTION_TEXT[better], f"{result.repeats} repeat{'s' if result.repeats != 1 else ''}"]
            if value.kind == "histogram":
                notes.append(f"p50 {value.p50:.6g}, p95 {value.p95:.6g}, {value.count} samples")
            spread = f"± {half:.6g}" if half is not None else None
            entries.append(GithubBenchmarkEntry(name, value.unit, value.value, better, spread, "; ".join(notes)))
    return entries


def dumps_github_benchmark(result: BenchResult, better: Better = "lower") -> str:
    """The list for ``TOOLS[better]``: the entries that improve in that direction."""
    entries = [entry.to_json() for entry in github_benchmark_entries(result) if entry.better == better]
    return json.dumps(entries, indent=2) + "\n"
