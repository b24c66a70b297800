"""The spec's naming rules, checked over the whole registry (by the tests and ``aztec telemetry metrics``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from aztec.telemetry.definitions import AttributeKey, InstrumentKind, MetricDefinition
from aztec.telemetry.registry import RegisteredMetric

PREFIX = "aztec."
_SEGMENTS = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_UNIT_IN_NAME = re.compile(
    r"(_|\.)(ms|us|ns|msec|millis|seconds|secs|sec|minutes|hours|bytes|kb|mb|gb|kib|mib|gib|percent|pct)$"
)
_NON_BASE_UNITS = {
    "ms": "s",
    "us": "s",
    "ns": "s",
    "min": "s",
    "h": "s",
    "kB": "By",
    "KB": "By",
    "MB": "By",
    "GB": "By",
    "KiBy": "By",
    "MiBy": "By",
    "GiBy": "By",
    "%": "1",
}
_SEMCONV_ATTRIBUTE_PREFIXES = ("rpc.", "cpython.", "error.", "http.", "server.", "service.", "process.")
_SEMCONV_PLAIN_ATTRIBUTES = frozenset({"cpu", "state", "device", "direction", "type", "generation"})
_HISTOGRAM_KINDS = frozenset({InstrumentKind.HISTOGRAM})


def metric_problems(registered: Iterable[RegisteredMetric]) -> list[str]:
    """Every violation of the naming rules among metric definitions."""
    entries = list(registered)
    problems: list[str] = []
    by_identity = {id(r.definition): r for r in entries}
    definitions = [r.definition for r in by_identity.values()]
    for definition in definitions:
        problems.extend(_single_metric_problems(definition))
    counts = Counter(d.name for d in definitions)
    problems.extend(f"{name}: defined {n} times" for name, n in counts.items() if n > 1)
    return problems


def _single_metric_problems(d: MetricDefinition) -> list[str]:
    problems: list[str] = []
    if not _SEGMENTS.match(d.name):
        problems.append(f"{d.name}: segments must be lowercase [a-z0-9_] separated by dots")
    if not d.semconv and not d.name.startswith(PREFIX):
        problems.append(f"{d.name}: must start with {PREFIX!r} (only host/runtime semconv metrics may not)")
    if _UNIT_IN_NAME.search(d.name):
        problems.append(f"{d.name}: the unit belongs in the unit field, not in the name")
    if d.unit in _NON_BASE_UNITS:
        problems.append(f"{d.name}: unit {d.unit!r} is not a base unit, use {_NON_BASE_UNITS[d.unit]!r}")
    if not d.description.strip():
        problems.append(f"{d.name}: needs a description")
    if d.buckets is not None:
        if d.kind not in _HISTOGRAM_KINDS:
            problems.append(f"{d.name}: only histograms take bucket boundaries")
        if list(d.buckets) != sorted(set(d.buckets)):
            problems.append(f"{d.name}: bucket boundaries must be strictly increasing")
    for key in d.attributes:
        if key.unbounded:
            problems.append(f"{d.name}: declares unbounded attribute {key!s}")
    return problems


def attribute_problems(keys: Iterable[AttributeKey]) -> list[str]:
    problems: list[str] = []
    names = [str(k) for k in keys]
    for name in names:
        semconv = name.startswith(_SEMCONV_ATTRIBUTE_PREFIXES) or name in _SEMCONV_PLAIN_ATTRIBUTES
        if not semconv and not name.startswith(PREFIX):
            problems.append(f"attribute {name}: must start with {PREFIX!r} or be a semantic convention")
        if not _SEGMENTS.match(name):
            problems.append(f"attribute {name}: segments must be lowercase [a-z0-9_] separated by dots")
    problems.extend(f"attribute {n}: defined {c} times" for n, c in Counter(names).items() if c > 1)
    return problems


def namespace_problems(metric_names: Iterable[str], attribute_names: Iterable[str]) -> list[str]:
    """Names share one hierarchy: no name may be unique-ified only by being another's namespace."""
    all_names = [*metric_names, *attribute_names]
    problems: list[str] = []
    seen = Counter(all_names)
    problems.extend(f"{n}: used both as a metric and as an attribute" for n, c in seen.items() if c > 1)
    name_set = set(all_names)
    for name in sorted(name_set):
        parts = name.split(".")
        for i in range(1, len(parts)):
            namespace = ".".join(parts[:i])
            if namespace in name_set:
                problems.append(f"{namespace}: is a name and also the namespace of {name}")
    return problems
