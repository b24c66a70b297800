"""Builders of NDJSON lines in the exporter's schema, with values the tests choose."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

AttributeValue = str | int | float | bool


def histogram_line(
    metric: str,
    values: Sequence[float],
    bounds: Sequence[float],
    *,
    attributes: Mapping[str, AttributeValue] | None = None,
    unit: str = "s",
    time: int = 1,
    temporality: str = "delta",
) -> dict[str, Any]:
    """A histogram line that counts exactly ``values`` (bucket i holds values <= bounds[i])."""
    counts = [0] * (len(bounds) + 1)
    for value in values:
        counts[next((i for i, bound in enumerate(bounds) if value <= bound), len(bounds))] += 1
    return {
        **_common(metric, unit, time, attributes),
        "kind": "histogram",
        "temporality": temporality,
        "count": len(values),
        "sum": sum(values),
        "min": min(values),
        "max": max(values),
        "bounds": list(bounds),
        "bucket_counts": counts,
    }


def value_line(
    metric: str,
    value: float,
    *,
    kind: str,
    attributes: Mapping[str, AttributeValue] | None = None,
    unit: str = "1",
    time: int = 1,
) -> dict[str, Any]:
    temporality = {"counter": "delta", "up_down_counter": "cumulative", "gauge": None}[kind]
    return {**_common(metric, unit, time, attributes), "kind": kind, "temporality": temporality, "value": value}


def write_ndjson(path: Path, lines: Iterable[Mapping[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _common(metric: str, unit: str, time: int, attributes: Mapping[str, AttributeValue] | None) -> dict[str, Any]:
    return {
        "time": "1970-01-01T00:00:00Z",
        "time_unix_nano": time,
        "service": "test",
        "scope": "Test",
        "metric": metric,
        "unit": unit,
        "attributes": dict(attributes or {}),
    }
