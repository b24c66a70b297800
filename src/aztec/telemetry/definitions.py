"""Typed definitions of metrics and attributes: the one place where a name, its unit and its meaning live.

Call sites never spell a metric or attribute name as a string; they import a definition from
:mod:`aztec.telemetry.metrics` or :mod:`aztec.telemetry.attributes`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

AttributeValue = str | int | float | bool


class AttributeKey(str):
    """An attribute name that carries its documentation and whether it is unbounded.

    It is a ``str`` so it can be used directly as a dictionary key, and a distinct type so that
    ``Mapping[AttributeKey, ...]`` rejects plain string keys at type-checking time.
    """

    description: str
    unbounded: bool
    values: tuple[str, ...] | None

    def __new__(
        cls,
        name: str,
        description: str,
        *,
        unbounded: bool = False,
        values: tuple[str, ...] | None = None,
    ) -> AttributeKey:
        key = super().__new__(cls, name)
        key.description = description
        key.unbounded = unbounded
        key.values = values
        return key

    @property
    def name(self) -> str:
        return str.__str__(self)


Attributes = Mapping[AttributeKey, AttributeValue]


class InstrumentKind(enum.Enum):
    HISTOGRAM = "histogram"
    COUNTER = "counter"
    UP_DOWN_COUNTER = "up_down_counter"
    GAUGE = "gauge"
    OBSERVABLE_GAUGE = "observable_gauge"
    OBSERVABLE_COUNTER = "observable_counter"
    OBSERVABLE_UP_DOWN_COUNTER = "observable_up_down_counter"


Better = Literal["lower", "higher"]
"""Which way a metric improves: ``lower`` for costs (time, bytes, gas), ``higher`` for throughput."""


class ValueType(enum.Enum):
    INT = "int"
    DOUBLE = "double"


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    """One metric: its name, UCUM unit, meaning, instrument kind and the attributes it may carry."""

    name: str
    unit: str
    description: str
    kind: InstrumentKind
    value_type: ValueType = ValueType.DOUBLE
    attributes: tuple[AttributeKey, ...] = ()
    buckets: tuple[float, ...] | None = None
    semconv: bool = False
    """True for host and runtime metrics that keep OpenTelemetry's semantic-convention names."""
    better: Better | None = None
    """Set on performance figures that are not durations: ``higher`` for throughput, ``lower`` for sizes and
    gas. Durations (unit ``s``) are lower-is-better without it; other metrics without it (heights, counts,
    configured sizes) are not performance figures, and benchmark comparisons leave them out."""


def _define(
    kind: InstrumentKind,
    name: str,
    unit: str,
    description: str,
    value_type: ValueType,
    attributes: tuple[AttributeKey, ...],
    buckets: tuple[float, ...] | None = None,
    semconv: bool = False,
    better: Better | None = None,
) -> MetricDefinition:
    return MetricDefinition(name, unit, description, kind, value_type, attributes, buckets, semconv, better)


def histogram(
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.DOUBLE,
    buckets: tuple[float, ...] | None = None,
    better: Better | None = None,
) -> MetricDefinition:
    return _define(InstrumentKind.HISTOGRAM, name, unit, description, value_type, attributes, buckets, better=better)


def counter(name: str, unit: str, description: str, *, attributes: tuple[AttributeKey, ...] = ()) -> MetricDefinition:
    return _define(InstrumentKind.COUNTER, name, unit, description, ValueType.INT, attributes)


def up_down_counter(
    name: str, unit: str, description: str, *, attributes: tuple[AttributeKey, ...] = ()
) -> MetricDefinition:
    return _define(InstrumentKind.UP_DOWN_COUNTER, name, unit, description, ValueType.INT, attributes)


def gauge(
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.INT,
) -> MetricDefinition:
    return _define(InstrumentKind.GAUGE, name, unit, description, value_type, attributes)


def observable_gauge(
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.INT,
    better: Better | None = None,
) -> MetricDefinition:
    return _define(InstrumentKind.OBSERVABLE_GAUGE, name, unit, description, value_type, attributes, better=better)


def semconv_metric(
    kind: InstrumentKind,
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.DOUBLE,
) -> MetricDefinition:
    """A host or runtime metric emitted under its OpenTelemetry semantic-convention name."""
    return _define(kind, name, unit, description, value_type, attributes, semconv=True)
