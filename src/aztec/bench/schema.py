"""The benchmark result file (``bench.json``) and the github-action-benchmark entries, shared by all stages.

``bench.json``::

    {
      "schema_version": 2,
      "timestamp": "2025-01-01T00:00:00Z",           # when it was aggregated (UTC, ISO 8601)
      "commit": "1a2b3c...",                          # git rev-parse HEAD, or "unknown"
      "scenarios": ["telemetry"],                     # the scenarios it was made from
      "repeats": 3,                                   # how many times each scenario ran
      "metrics": {                                    # {metric: {bucket: value}}
        "aztec.demo.operation.duration": {
          "hash": {"kind": "histogram", "unit": "s", "attributes": {"aztec.demo.operation_kind": "hash"},
                   "value": 0.0012, "repeats": [0.0011, 0.0012, 0.0013], "interval": [0.00074, 0.00193],
                   "count": 120, "p50": 0.0011, "p95": 0.0019, "min": 0.0009, "max": 0.0021}
        }
      }
    }

Per repeat, a series' value is the mean for histograms, the total for counters, and the last value for
up-down counters and gauges; ``repeats`` lists them in run order, ``value`` is their mean and
``interval`` its 99% confidence interval (:mod:`aztec.bench.stats`; null with one repeat). ``count``,
``p50``, ``p95``, ``min`` and ``max`` (histograms only) are over all repeats' records together.
Version 1 files (one run, no ``repeats``) still load, as one repeat.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from aztec.bench.errors import BenchInputError
from aztec.bench.ndjson_reader import KINDS, AttributeValue, Kind
from aztec.bench.series_key import sorted_buckets
from aztec.bench.stats import Spread

SCHEMA_VERSION: Final = 2
READABLE_VERSIONS: Final = (1, 2)


@dataclass(frozen=True)
class BucketValue:
    """The aggregate of one series (one metric, one bucket)."""

    kind: Kind
    unit: str
    value: float
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    count: int | None = None
    p50: float | None = None
    p95: float | None = None
    min: float | None = None
    max: float | None = None
    repeats: tuple[float, ...] = ()
    """The value of each repeat; empty means the one value ``value``."""
    interval: tuple[float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "unit": self.unit, "attributes": self.attributes}
        data["value"] = self.value
        data["repeats"] = list(self.repeat_values)
        data["interval"] = list(self.interval) if self.interval is not None else None
        if self.kind == "histogram":
            data |= {"count": self.count, "p50": self.p50, "p95": self.p95, "min": self.min, "max": self.max}
        return data

    @property
    def repeat_values(self) -> tuple[float, ...]:
        return self.repeats or (self.value,)

    @property
    def spread(self) -> Spread:
        """The per-repeat values with their mean and interval, as aggregated."""
        return Spread(self.repeat_values, self.value, self.interval)


@dataclass(frozen=True)
class BenchResult:
    """Everything one benchmark run measured: ``metrics[metric][bucket]``."""

    timestamp: str
    commit: str
    scenarios: tuple[str, ...]
    metrics: dict[str, dict[str, BucketValue]]
    repeats: int = 1
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "timestamp": self.timestamp,
            "commit": self.commit,
            "scenarios": list(self.scenarios),
            "repeats": self.repeats,
            "metrics": {
                metric: {bucket: self.metrics[metric][bucket].to_json() for bucket in sorted_buckets(buckets)}
                for metric, buckets in sorted(self.metrics.items())
            },
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, allow_nan=False) + "\n"

    @classmethod
    def from_json(cls, data: Any, source: str) -> BenchResult:
        """Validate and build; a problem raises :class:`BenchInputError` naming ``source`` and the field."""
        obj = _object(data, source)
        version = obj.get("schema_version")
        if version not in READABLE_VERSIONS:
            raise BenchInputError(f"{source}: schema_version {version!r} is not {SCHEMA_VERSION} (a bench.json?)")
        repeats = obj.get("repeats", 1)
        if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
            raise BenchInputError(f"{source}: field 'repeats' should be a positive integer, got {repeats!r}")
        scenarios = _typed(obj, "scenarios", list, source)
        if not all(isinstance(s, str) for s in scenarios):
            raise BenchInputError(f"{source}: scenarios should be a list of names")
        metrics: dict[str, dict[str, BucketValue]] = {}
        for metric, buckets in _typed(obj, "metrics", dict, source).items():
            where = f"{source}: metrics[{metric!r}]"
            metrics[metric] = {
                bucket: _bucket_value(value, f"{where}[{bucket!r}]")
                for bucket, value in _object(buckets, where).items()
            }
        return cls(
            timestamp=_typed(obj, "timestamp", str, source),
            commit=_typed(obj, "commit", str, source),
            scenarios=tuple(scenarios),
            metrics=metrics,
            repeats=repeats,
        )


def load_result(path: Path) -> BenchResult:
    """Read a ``bench.json``; a missing, unreadable or malformed file raises :class:`BenchInputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BenchInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BenchInputError(f"{path}: cannot read: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BenchInputError(f"{path}: not JSON: {error}") from None
    return BenchResult.from_json(data, str(path))


def _bucket_value(data: Any, where: str) -> BucketValue:
    obj = _object(data, where)
    kind = _typed(obj, "kind", str, where)
    if kind not in KINDS:
        raise BenchInputError(f"{where}: unknown kind {kind!r}")
    attributes = _typed(obj, "attributes", dict, where)
    if not all(isinstance(v, str | int | float | bool) for v in attributes.values()):
        raise BenchInputError(f"{where}: attribute values should be scalars")
    histogram = kind == "histogram"
    count = obj.get("count")
    if histogram and (not isinstance(count, int) or isinstance(count, bool) or count <= 0):
        raise BenchInputError(f"{where}: a histogram needs a positive integer count, got {count!r}")
    return BucketValue(
        kind=kind,  # checked against KINDS above
        unit=_typed(obj, "unit", str, where),
        value=_finite(obj, "value", where),
        attributes=attributes,
        count=count if histogram else None,
        p50=_finite(obj, "p50", where) if histogram else None,
        p95=_finite(obj, "p95", where) if histogram else None,
        min=_optional_finite(obj, "min", where) if histogram else None,
        max=_optional_finite(obj, "max", where) if histogram else None,
        repeats=_numbers(obj, "repeats", where),
        interval=_interval(obj, where),
    )


def _object(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BenchInputError(f"{where}: expected a JSON object, got {type(data).__name__}")
    return data


def _typed(obj: dict[str, Any], name: str, expected: type, where: str) -> Any:
    if name not in obj:
        raise BenchInputError(f"{where}: missing field {name!r}")
    value = obj[name]
    if not isinstance(value, expected):
        raise BenchInputError(f"{where}: field {name!r} should be {expected.__name__}, got {value!r}")
    return value


def _finite(obj: dict[str, Any], name: str, where: str) -> float:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BenchInputError(f"{where}: field {name!r} should be a finite number, got {value!r}")
    return float(value)


def _numbers(obj: dict[str, Any], name: str, where: str) -> tuple[float, ...]:
    value = obj.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value
    ):
        raise BenchInputError(f"{where}: field {name!r} should be a list of finite numbers, got {value!r}")
    return tuple(float(v) for v in value)


def _interval(obj: dict[str, Any], where: str) -> tuple[float, float] | None:
    if obj.get("interval") is None:
        return None
    low_high = _numbers(obj, "interval", where)
    if len(low_high) != 2 or low_high[0] > low_high[1]:
        raise BenchInputError(f"{where}: field 'interval' should be [low, high], got {obj['interval']!r}")
    return low_high[0], low_high[1]


def _optional_finite(obj: dict[str, Any], name: str, where: str) -> float | None:
    return None if obj.get(name) is None else _finite(obj, name, where)
