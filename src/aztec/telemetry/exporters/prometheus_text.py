"""Prometheus text (0.0.4) and OpenMetrics (1.0.0) exposition, rendered straight from our own data.

The scrape endpoint used to convert every series to OpenTelemetry data points, then to
``prometheus_client`` families, then to text: about 10 µs a sample. :class:`ScrapeRenderer` renders
the local-aggregation cells' running totals directly, with each series' label string built once
and kept, and renders the observable instruments and host metrics
(:mod:`aztec.telemetry.otel.local_observables`) the same way.
The output is what ``PrometheusMetricReader`` with ``prometheus_client`` produced (names, unit
suffixes, ``_total``, label sets with ``service_name`` and ``service_instance_id``, HELP and TYPE,
``target_info``), except that whole numbers are written as integers (``5``, not ``5.0``);
``tests/telemetry/test_prometheus_text.py`` compares the two sample by sample.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Protocol

from opentelemetry.sdk.resources import Resource

from aztec.telemetry.buckets import boundaries_for
from aztec.telemetry.definitions import InstrumentKind, MetricDefinition
from aztec.telemetry.otel.local_aggregation import LocalAggregation
from aztec.telemetry.otel.local_observables import Observed
from aztec.telemetry.otel.private_api import prometheus_label, prometheus_metric_name, prometheus_unit
from aztec.telemetry.otel.value_types import conform_value

TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"

_COUNTER, _GAUGE, _HISTOGRAM = "counter", "gauge", "histogram"


def wants_openmetrics(accept_header: str | None) -> bool:
    """Whether the scraper accepts OpenMetrics (Prometheus asks for it first), as prometheus_client decides."""
    for accepted in (accept_header or "").split(","):
        media, *params = (part.strip() for part in accepted.split(";"))
        if media == "application/openmetrics-text":
            version = next((p.split("=", 1)[1] for p in params if p.startswith("version=")), "")
            if not version or tuple(int(x) for x in version.split(".") if x.isdigit()) >= (1, 0, 0):
                return True
    return False


def format_number(definition: MetricDefinition | None, value: float) -> str:
    """The one place that writes a sample value: integers as integers, floats as floats.

    ``definition`` is None for a metric outside the registry. The value
    has already passed :func:`aztec.telemetry.otel.value_types.conform_value`, so its Python type is the
    metric's declared one.
    """
    if value.__class__ is int:
        return str(value)
    if value != value:  # noqa: PLR0124 (NaN)
        return "NaN"
    if value in (math.inf, -math.inf):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def _label_value(value: object) -> str:
    """An attribute value as a label value, the way PrometheusMetricReader writes it (JSON unless a string)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _help_text(description: str, openmetrics: bool) -> str:
    text = description.replace("\\", r"\\").replace("\n", r"\n")
    return text.replace('"', r"\"") if openmetrics else text


class _Labels:
    """One series' labels (resource labels included), with its label strings built once and kept.

    It keeps no label dictionary of its own (the series' attributes and the resource labels are
    shared), only the strings a scrape writes and the set of label names (shared between series).
    """

    __slots__ = ("_attributes", "_base", "_padded", "_split", "_text", "shape")

    def __init__(self, base: Mapping[str, str], attributes: Mapping[str, Any], shapes: dict[Any, Any]) -> None:
        self._base = base
        self._attributes = attributes
        shape = frozenset(self._pairs())
        self.shape: frozenset[str] = shapes.setdefault(shape, shape)
        self._text: str | None = None
        self._split: tuple[str, str] | None = None
        self._padded: tuple[frozenset[str], str, tuple[str, str]] | None = None

    def _pairs(self) -> dict[str, str]:
        pairs = dict(self._base)
        for key, value in self._attributes.items():
            pairs[prometheus_label(str(key))] = _label_value(value)
        return pairs

    def text(self, keys: frozenset[str]) -> str:
        """``a="x",b="y"``, sorted, with an empty value for each of ``keys`` the series lacks."""
        if keys is self.shape or keys == self.shape:
            if self._text is None:
                self._text = ",".join(f'{k}="{v}"' for k, v in sorted(self._pairs().items()))
            return self._text
        return self._padding(keys)[1]

    def split_at_le(self, keys: frozenset[str]) -> tuple[str, str]:
        """The label string cut where ``le`` sorts in: (labels before it and a comma, a comma and those after)."""
        if keys is self.shape or keys == self.shape:
            if self._split is None:
                self._split = self._cut(self._pairs())
            return self._split
        return self._padding(keys)[2]

    def _padding(self, keys: frozenset[str]) -> tuple[frozenset[str], str, tuple[str, str]]:
        if self._padded is None or self._padded[0] != keys:
            own = self._pairs()
            pairs = {key: own.get(key, "") for key in keys}
            text = ",".join(f'{k}="{v}"' for k, v in sorted(pairs.items()))
            self._padded = (keys, text, self._cut(pairs))
        return self._padded

    @staticmethod
    def _cut(pairs: Mapping[str, str]) -> tuple[str, str]:
        ordered = sorted(pairs.items())
        before = "".join(f'{k}="{v}",' for k, v in ordered if k < "le")
        after = "".join(f',{k}="{v}"' for k, v in ordered if k > "le")
        return before, after


class Exemplar(Protocol):
    """What an exemplar needs to be written (OpenTelemetry's ``Exemplar`` has these fields)."""

    @property
    def trace_id(self) -> int | None: ...
    @property
    def span_id(self) -> int | None: ...
    @property
    def value(self) -> float: ...
    @property
    def time_unix_nano(self) -> int: ...


def exemplar_suffix(exemplar: Exemplar | None) -> str:
    """`` # {trace_id="...",span_id="..."} value timestamp`` for an OpenMetrics sample line, or ''."""
    if exemplar is None or exemplar.trace_id is None or exemplar.span_id is None:
        return ""
    seconds = exemplar.time_unix_nano / 1e9
    return (
        f' # {{trace_id="{exemplar.trace_id:032x}",span_id="{exemplar.span_id:016x}"}} '
        f"{format_number(None, exemplar.value)} {seconds:.3f}"
    )


def _bucket_exemplars(cell: object) -> Sequence[Exemplar | None] | None:
    """The last exemplar per bucket a histogram cell keeps, if it keeps any (one per bucket, +Inf last)."""
    exemplars: Sequence[Exemplar | None] | None = getattr(cell, "exemplars", None)
    return exemplars


@dataclass(slots=True)
class _Histogram:
    labels: _Labels
    les: Sequence[str]
    bucket_counts: Sequence[int]
    count: int
    sum: float
    exemplars: Sequence[Exemplar | None] | None = None


_Number = tuple[_Labels, float]
"""A counter or gauge sample: its labels and value (a tuple: one is made per sample per scrape)."""


@dataclass(slots=True)
class _Family:
    """One Prometheus metric family as it is gathered during a scrape."""

    name: str
    kind: str
    description: str
    unit: str
    definition: MetricDefinition | None
    histograms: list[_Histogram] = field(default_factory=list)
    numbers: list[_Number] = field(default_factory=list)


def family_name(name: str, unit: str, kind: str) -> tuple[str, str]:
    """The Prometheus family name and unit word for an OpenTelemetry metric (prometheus_client's rules)."""
    base = prometheus_metric_name(name)
    if kind == _COUNTER and base.endswith("_total"):
        base = base[:-6]
    word = prometheus_unit(unit)
    if word and not base.endswith("_" + word):
        base = f"{base}_{word}"
    return base, word


class ScrapeRenderer:
    """Renders one client's metrics as Prometheus text or OpenMetrics, from local cells and the SDK."""

    def __init__(
        self,
        resource: Resource,
        local: LocalAggregation,
        observe: Callable[[], Sequence[Observed]],
        resource_labels: Callable[[str], bool],
    ) -> None:
        """``observe``: one collection of the observable instruments and host metrics."""
        self._local = local
        local.add_cumulative_view(self)
        self._observe = observe
        self._base = {
            prometheus_label(k): _label_value(v) for k, v in resource.attributes.items() if resource_labels(k)
        }
        self._shapes: dict[frozenset[str], frozenset[str]] = {}
        target = _Labels({}, resource.attributes, {})
        self._target_line = f"target_info{{{target.text(target.shape)}}} 1\n"
        self._local_labels: dict[object, _Labels] = {}
        """Per local series (by identity; series live as long as their metric)."""
        self._observed_labels: dict[tuple[str, tuple[tuple[str, Any], ...]], _Labels] = {}
        self._les: dict[tuple[float, ...], tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def render(self, accept_header: str | None) -> tuple[bytes, str]:
        """The exposition body and its content type, OpenMetrics when ``accept_header`` asks for it."""
        openmetrics = wants_openmetrics(accept_header)
        with self._lock:
            families = self._gather()
            out: list[str] = []
            if openmetrics:
                out.append("# HELP target Target metadata\n# TYPE target info\n")
            else:
                out.append("# HELP target_info Target metadata\n# TYPE target_info gauge\n")
            out.append(self._target_line)
            for family in families.values():
                _render_family(out, family, openmetrics)
            if openmetrics:
                out.append("# EOF\n")
        body = "".join(out).encode()
        return body, OPENMETRICS_CONTENT_TYPE if openmetrics else TEXT_CONTENT_TYPE

    # Gathering: the observable instruments first, then the local cells, into families keyed by name and type.

    def _gather(self) -> dict[tuple[str, str], _Family]:
        families: dict[tuple[str, str], _Family] = {}
        self._gather_observed(families, self._observe())
        self._gather_local(families, self._local)
        return families

    @staticmethod
    def _family(
        families: dict[tuple[str, str], _Family],
        name: str,
        unit: str,
        kind: str,
        description: str,
        definition: MetricDefinition | None,
    ) -> _Family:
        prometheus_name, word = family_name(name, unit, kind)
        found = families.get((prometheus_name, kind))
        if found is None:
            found = _Family(prometheus_name, kind, description, word, definition)
            families[(prometheus_name, kind)] = found
        return found

    def _gather_local(self, families: dict[tuple[str, str], _Family], local: LocalAggregation) -> None:
        cache = self._local_labels
        base = self._base
        shapes = self._shapes
        with local.cumulative(self) as totals:
            for histogram, histogram_series in totals.histograms:
                if not histogram_series:
                    continue
                definition = histogram.definition
                family = self._family(
                    families, definition.name, definition.unit, _HISTOGRAM, definition.description, definition
                )
                les = self._bucket_labels(boundaries_for(definition))
                for series, state in histogram_series:
                    labels = cache.get(series)
                    if labels is None:
                        labels = cache[series] = _Labels(base, series.attributes, shapes)
                    counts = state.bucket_counts
                    family.histograms.append(
                        _Histogram(labels, les, counts, sum(counts), state.sum, _bucket_exemplars(series.cell))
                    )
            for metric, sum_series in totals.sums:
                if not sum_series:
                    continue
                definition = metric.definition
                kind = _COUNTER if definition.kind is InstrumentKind.COUNTER else _GAUGE
                family = self._family(
                    families, definition.name, definition.unit, kind, definition.description, definition
                )
                numbers = family.numbers
                for one_sum, sum_state in sum_series:
                    labels = cache.get(one_sum)
                    if labels is None:
                        labels = cache[one_sum] = _Labels(base, one_sum.attributes, shapes)
                    numbers.append((labels, sum_state.value))
            for gauge, gauge_series in totals.gauges:
                if not gauge_series:
                    continue
                definition = gauge.definition
                family = self._family(
                    families, definition.name, definition.unit, _GAUGE, definition.description, definition
                )
                numbers = family.numbers
                for one_gauge, gauge_state in gauge_series:
                    labels = cache.get(one_gauge)
                    if labels is None:
                        labels = cache[one_gauge] = _Labels(base, one_gauge.attributes, shapes)
                    numbers.append((labels, gauge_state.value))

    def _gather_observed(self, families: dict[tuple[str, str], _Family], observed: Sequence[Observed]) -> None:
        if len(self._observed_labels) > 100_000:  # observable attribute sets that come and go: start over
            self._observed_labels.clear()
        for item in observed:
            instrument = item.instrument
            kind = _COUNTER if instrument.kind is InstrumentKind.OBSERVABLE_COUNTER else _GAUGE
            family = self._family(
                families, instrument.name, instrument.unit, kind, instrument.description, instrument.definition
            )
            numbers = family.numbers
            for point in item.points:
                numbers.append((self._observed_labels_for(family.name, point.attributes), point.value))

    def _observed_labels_for(self, name: str, attributes: Mapping[str, Any]) -> _Labels:
        try:
            key = (name, tuple(attributes.items()))
            found = self._observed_labels.get(key)
        except TypeError:  # an unhashable attribute value: no caching
            return _Labels(self._base, attributes, self._shapes)
        if found is None:
            found = self._observed_labels[key] = _Labels(self._base, attributes, self._shapes)
        return found

    def _bucket_labels(self, bounds: tuple[float, ...]) -> tuple[str, ...]:
        les = self._les.get(bounds)
        if les is None:
            les = self._les[bounds] = (*(f"{bound}" for bound in bounds), "+Inf")
        return les


def _shape(labels: Iterable[_Labels]) -> frozenset[str]:
    """Every label name of a family: each series gets them all, empty where it lacks one (as before)."""
    shapes = {item.shape for item in labels}
    if len(shapes) == 1:
        return shapes.pop()
    return frozenset().union(*shapes)


def _render_family(out: list[str], family: _Family, openmetrics: bool) -> None:
    name, kind = family.name, family.kind
    header_name = f"{name}_total" if kind == _COUNTER and not openmetrics else name
    out.append(f"# HELP {header_name} {_help_text(family.description, openmetrics)}\n# TYPE {header_name} {kind}\n")
    if openmetrics and family.unit:
        out.append(f"# UNIT {name} {family.unit}\n")
    definition = family.definition
    append = out.append
    if kind == _HISTOGRAM:
        keys = _shape(item.labels for item in family.histograms)
        for item in family.histograms:
            before, after = item.labels.split_at_le(keys)
            head = f'{name}_bucket{{{before}le="'
            tail = f'"{after}}} '
            exemplars = item.exemplars if openmetrics else None
            if exemplars is None:
                for le, running in zip(item.les, accumulate(item.bucket_counts), strict=True):
                    append(f"{head}{le}{tail}{running}\n")
            else:
                for le, running, exemplar in zip(item.les, accumulate(item.bucket_counts), exemplars, strict=True):
                    append(f"{head}{le}{tail}{running}{exemplar_suffix(exemplar)}\n")
            text = item.labels.text(keys)
            braced = f"{{{text}}}" if text else ""
            append(
                f"{name}_count{braced} {format_number(definition, item.count)}\n"
                f"{name}_sum{braced} {format_number(definition, item.sum)}\n"
            )
        return
    sample_name = f"{name}_total" if kind == _COUNTER else name
    keys = _shape(labels for labels, _ in family.numbers)
    value_type = definition.value_type if definition is not None else None
    for labels, raw in family.numbers:
        value, _reason = conform_value(raw, value_type)  # the registry's type, as on every other path
        if value is None:
            continue  # not representable: dropped (and counted) as the push readers drop it
        text = labels.text(keys)
        number = format_number(definition, value)
        if text:
            append(f"{sample_name}{{{text}}} {number}\n")
        else:
            append(f"{sample_name} {number}\n")
