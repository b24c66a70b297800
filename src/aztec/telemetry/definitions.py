"""Typed definitions of metrics and attributes: the one place where a name, its unit and its meaning live.

Call sites never spell a metric or attribute name as a string; they import a definition from
:mod:`aztec.telemetry.metrics` or :mod:`aztec.telemetry.attributes`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Final, Literal, TypeVar

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
    """One metric: its name, UCUM unit, meaning and the attributes it may carry.

    The instrument kind is the class: a :class:`HistogramDefinition` creates only a histogram, so
    ``meter.create_histogram(A_COUNTER)`` is a type error. Build definitions with :func:`histogram`,
    :func:`counter` and the other functions below.
    """

    kind: ClassVar[InstrumentKind]
    name: str
    unit: str
    description: str
    value_type: ValueType = ValueType.DOUBLE
    attributes: tuple[AttributeKey, ...] = ()
    buckets: tuple[float, ...] | None = None
    semconv: bool = False
    """True for host and runtime metrics that keep OpenTelemetry's semantic-convention names."""
    better: Better | None = None
    """Set on performance figures that are not durations: ``higher`` for throughput, ``lower`` for sizes and
    gas. Durations (unit ``s``) are lower-is-better without it; other metrics without it (heights, counts,
    configured sizes) are not performance figures, and benchmark comparisons leave them out."""

    def __post_init__(self) -> None:
        if type(self) is MetricDefinition:
            raise TypeError("a metric definition is of one instrument kind: use HistogramDefinition, ...")


@dataclass(frozen=True, slots=True)
class HistogramDefinition(MetricDefinition):
    kind: ClassVar[InstrumentKind] = InstrumentKind.HISTOGRAM


@dataclass(frozen=True, slots=True)
class CounterDefinition(MetricDefinition):
    kind: ClassVar[InstrumentKind] = InstrumentKind.COUNTER


@dataclass(frozen=True, slots=True)
class UpDownCounterDefinition(MetricDefinition):
    kind: ClassVar[InstrumentKind] = InstrumentKind.UP_DOWN_COUNTER


@dataclass(frozen=True, slots=True)
class GaugeDefinition(MetricDefinition):
    kind: ClassVar[InstrumentKind] = InstrumentKind.GAUGE


@dataclass(frozen=True, slots=True)
class ObservableGaugeDefinition(MetricDefinition):
    kind: ClassVar[InstrumentKind] = InstrumentKind.OBSERVABLE_GAUGE


@dataclass(frozen=True, slots=True)
class ObservableCounterDefinition(MetricDefinition):
    kind: ClassVar[InstrumentKind] = InstrumentKind.OBSERVABLE_COUNTER


@dataclass(frozen=True, slots=True)
class ObservableUpDownCounterDefinition(MetricDefinition):
    kind: ClassVar[InstrumentKind] = InstrumentKind.OBSERVABLE_UP_DOWN_COUNTER


DEFINITION_CLASSES: Final[Mapping[InstrumentKind, type[MetricDefinition]]] = {
    definition_class.kind: definition_class
    for definition_class in (
        HistogramDefinition,
        CounterDefinition,
        UpDownCounterDefinition,
        GaugeDefinition,
        ObservableGaugeDefinition,
        ObservableCounterDefinition,
        ObservableUpDownCounterDefinition,
    )
}
"""The definition class of each instrument kind."""

D = TypeVar("D", bound=MetricDefinition)


class InstrumentKindError(TypeError):
    """A definition was used to create an instrument of another kind (only possible past the type checker)."""


def require_kind(definition: MetricDefinition, kind: InstrumentKind) -> None:
    """Raise :class:`InstrumentKindError` unless ``definition`` is of ``kind``: both meters call it."""
    if definition.kind is not kind:
        raise InstrumentKindError(f"{definition.name} is defined as a {definition.kind.value}, not a {kind.value}")


def histogram(
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.DOUBLE,
    buckets: tuple[float, ...] | None = None,
    better: Better | None = None,
) -> HistogramDefinition:
    return HistogramDefinition(name, unit, description, value_type, attributes, buckets, better=better)


def counter(name: str, unit: str, description: str, *, attributes: tuple[AttributeKey, ...] = ()) -> CounterDefinition:
    return CounterDefinition(name, unit, description, ValueType.INT, attributes)


def up_down_counter(
    name: str, unit: str, description: str, *, attributes: tuple[AttributeKey, ...] = ()
) -> UpDownCounterDefinition:
    return UpDownCounterDefinition(name, unit, description, ValueType.INT, attributes)


def gauge(
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.INT,
) -> GaugeDefinition:
    return GaugeDefinition(name, unit, description, value_type, attributes)


def observable_gauge(
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.INT,
    better: Better | None = None,
) -> ObservableGaugeDefinition:
    return ObservableGaugeDefinition(name, unit, description, value_type, attributes, better=better)


def semconv_metric(
    definition_class: type[D],
    name: str,
    unit: str,
    description: str,
    *,
    attributes: tuple[AttributeKey, ...] = (),
    value_type: ValueType = ValueType.DOUBLE,
) -> D:
    """A host or runtime metric emitted under its OpenTelemetry semantic-convention name."""
    return definition_class(name, unit, description, value_type, attributes, semconv=True)
