"""Reads the NDJSON metrics files of :mod:`aztec.telemetry.exporters.ndjson` into typed data points.

Every line is checked; a truncated or malformed line raises :class:`BenchInputError` naming the file and
line number, so a damaged run never turns into a silently wrong benchmark.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

from aztec.bench.errors import BenchInputError

Kind = Literal["histogram", "counter", "up_down_counter", "gauge"]
Temporality = Literal["delta", "cumulative"] | None
AttributeValue = str | int | float | bool

T = TypeVar("T")

KINDS: Final[tuple[Kind, ...]] = ("histogram", "counter", "up_down_counter", "gauge")


@dataclass(frozen=True)
class HistogramCounts:
    """A histogram data point: ``bucket_counts[i]`` counts values <= ``bounds[i]``; the last one, the rest."""

    count: int
    sum: float
    min: float | None
    max: float | None
    bounds: tuple[float, ...]
    bucket_counts: tuple[int, ...]


@dataclass(frozen=True)
class DataPoint:
    """One NDJSON line: a value (counters, gauges) or histogram counts, with where it came from."""

    source: Path
    line: int
    time_unix_nano: int
    metric: str
    unit: str
    kind: Kind
    temporality: Temporality
    attributes: Mapping[str, AttributeValue]
    value: float | None
    histogram: HistogramCounts | None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


def read_points(path: Path) -> list[DataPoint]:
    """Every data point of one NDJSON file, in file order. Blank lines are allowed; anything else must parse."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BenchInputError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise BenchInputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return list(_parse_lines(path, text))


def _parse_lines(path: Path, text: str) -> Iterator[DataPoint]:
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except json.JSONDecodeError as error:
            raise BenchInputError(f"{path}:{number}: not a JSON line (truncated?): {error.msg}") from None
        yield _parse_point(path, number, line)


def _parse_point(path: Path, number: int, line: Any) -> DataPoint:
    where = f"{path}:{number}"
    if not isinstance(line, dict):
        raise BenchInputError(f"{where}: expected a JSON object, got {type(line).__name__}")
    kind = _field(line, "kind", str, where)
    if kind not in KINDS:
        raise BenchInputError(f"{where}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    temporality = line.get("temporality")
    if temporality not in ("delta", "cumulative", None):
        raise BenchInputError(f"{where}: unknown temporality {temporality!r}")
    if kind == "gauge" and temporality is not None:
        raise BenchInputError(f"{where}: a gauge has no temporality, got {temporality!r}")
    if kind != "gauge" and temporality is None:
        raise BenchInputError(f"{where}: a {kind} needs a temporality (delta or cumulative)")
    attributes = _field(line, "attributes", dict, where)
    for key, value in attributes.items():
        if not isinstance(value, str | int | float | bool):
            raise BenchInputError(f"{where}: attribute {key!r} has a non-scalar value {value!r}")
    time_unix_nano = _field(line, "time_unix_nano", int, where)
    histogram = _parse_histogram(line, where) if kind == "histogram" else None
    value = None if kind == "histogram" else _number(line, "value", where)
    return DataPoint(
        source=path,
        line=number,
        time_unix_nano=time_unix_nano,
        metric=_field(line, "metric", str, where),
        unit=_field(line, "unit", str, where),
        kind=kind,
        temporality=temporality,
        attributes=attributes,
        value=value,
        histogram=histogram,
    )


def _parse_histogram(line: dict[str, Any], where: str) -> HistogramCounts:
    bounds = tuple(_number_list(line, "bounds", where))
    counts = _field(line, "bucket_counts", list, where)
    if not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts):
        raise BenchInputError(f"{where}: bucket_counts must be non-negative integers")
    if len(counts) != len(bounds) + 1:
        raise BenchInputError(f"{where}: {len(counts)} bucket_counts for {len(bounds)} bounds (expected bounds + 1)")
    if any(lower >= upper for lower, upper in itertools.pairwise(bounds)):
        raise BenchInputError(f"{where}: bounds are not strictly increasing")
    count = _field(line, "count", int, where)
    if count != sum(counts):
        raise BenchInputError(f"{where}: count {count} differs from the sum of bucket_counts {sum(counts)}")
    return HistogramCounts(
        count=count,
        sum=_number(line, "sum", where),
        min=_optional_number(line, "min", where),
        max=_optional_number(line, "max", where),
        bounds=bounds,
        bucket_counts=tuple(counts),
    )


def _field(line: dict[str, Any], name: str, expected: type[T], where: str) -> T:
    if name not in line:
        raise BenchInputError(f"{where}: missing field {name!r}")
    value = line[name]
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise BenchInputError(f"{where}: field {name!r} should be {expected.__name__}, got {value!r}")
    return value


def _number(line: dict[str, Any], name: str, where: str) -> float:
    value = _optional_number(line, name, where)
    if value is None:
        raise BenchInputError(f"{where}: field {name!r} should be a number, got null")
    return value


def _optional_number(line: dict[str, Any], name: str, where: str) -> float | None:
    if name not in line:
        raise BenchInputError(f"{where}: missing field {name!r}")
    value = line[name]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BenchInputError(f"{where}: field {name!r} should be a finite number, got {value!r}")
    return float(value)


def _number_list(line: dict[str, Any], name: str, where: str) -> list[float]:
    values = _field(line, name, list, where)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise BenchInputError(f"{where}: field {name!r} should be a list of finite numbers")
    return [float(v) for v in values]
