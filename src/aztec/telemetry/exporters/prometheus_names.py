"""Prometheus names of registry metrics, as OpenTelemetry's exporters produce them.

Two paths reach Prometheus and both must give the same names:

* the node's embedded scrape endpoint (``opentelemetry-exporter-prometheus`` 0.66b1 over
  ``prometheus_client``): :func:`prometheus_series` uses that exporter's own unit mapping and
  ``prometheus_client``'s metric families, so the prediction is what a scrape shows;
* the collector's ``prometheus`` exporter (Go): :func:`collector_family` models its
  ``normalizeName``; :func:`path_divergences` lists the metrics where the two disagree.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Final

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from aztec.telemetry.definitions import AttributeKey, InstrumentKind, MetricDefinition
from aztec.telemetry.otel.private_api import prometheus_label, prometheus_metric_name, prometheus_unit
from aztec.telemetry.registry import all_metrics

SERVICE_NAME_LABEL: Final = "service_name"
"""Label carrying the ``service.name`` resource attribute, on every series of both paths."""
SERVICE_INSTANCE_LABEL: Final = "service_instance_id"
"""Label carrying the ``service.instance.id`` resource attribute, on every series of both paths."""


class PromType(enum.Enum):
    COUNTER = "counter"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"


_PROM_TYPES: Final = {
    InstrumentKind.COUNTER: PromType.COUNTER,
    InstrumentKind.OBSERVABLE_COUNTER: PromType.COUNTER,
    InstrumentKind.UP_DOWN_COUNTER: PromType.GAUGE,
    InstrumentKind.OBSERVABLE_UP_DOWN_COUNTER: PromType.GAUGE,
    InstrumentKind.GAUGE: PromType.GAUGE,
    InstrumentKind.OBSERVABLE_GAUGE: PromType.GAUGE,
    InstrumentKind.HISTOGRAM: PromType.HISTOGRAM,
}
"""Monotonic sums are counters; cumulative non-monotonic sums are exported as gauges."""


@dataclass(frozen=True)
class PrometheusSeries:
    """The Prometheus family a registry metric becomes, and the sample names it exposes."""

    definition: MetricDefinition
    family: str
    type: PromType

    @property
    def names(self) -> tuple[str, ...]:
        """Every sample name of the family, as it appears in a scrape and in PromQL."""
        if self.type is PromType.COUNTER:
            return (f"{self.family}_total",)
        if self.type is PromType.HISTOGRAM:
            return (f"{self.family}_bucket", f"{self.family}_sum", f"{self.family}_count")
        return (self.family,)

    @property
    def name(self) -> str:
        """The sample name a query usually selects: ``_total``, the gauge itself, or ``_bucket``."""
        return self.names[0]

    @property
    def sum(self) -> str:
        return self._histogram_part("sum")

    @property
    def count(self) -> str:
        return self._histogram_part("count")

    def _histogram_part(self, part: str) -> str:
        if self.type is not PromType.HISTOGRAM:
            raise ValueError(f"{self.definition.name} is a {self.type.value}, it has no _{part}")
        return f"{self.family}_{part}"


def prometheus_type(definition: MetricDefinition) -> PromType:
    return _PROM_TYPES[definition.kind]


def prometheus_series(definition: MetricDefinition) -> PrometheusSeries:
    """The names the embedded endpoint gives ``definition``: the exporter's own name and unit mapping."""
    kind = prometheus_type(definition)
    name, unit = prometheus_metric_name(definition.name), prometheus_unit(definition.unit)
    family_class = {
        PromType.COUNTER: CounterMetricFamily,
        PromType.GAUGE: GaugeMetricFamily,
        PromType.HISTOGRAM: HistogramMetricFamily,
    }[kind]
    family = family_class(name, definition.description, unit=unit).name
    return PrometheusSeries(definition, family, kind)


def label_name(key: AttributeKey | str) -> str:
    """The Prometheus label an attribute becomes (``aztec.chain.status`` -> ``aztec_chain_status``)."""
    return prometheus_label(str(key))


# --- the collector's prometheus exporter (Go, pkg/translator/prometheus normalizeName) ----------------

_GO_UNITS: Final = {
    "d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds", "us": "microseconds",
    "ns": "nanoseconds", "By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes",
    "TiBy": "tibibytes", "KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
    "m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams",
    "Cel": "celsius", "Hz": "hertz", "1": "", "%": "percent",
}  # fmt: skip
_GO_PER_UNITS: Final = {"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year"}
_NON_ALNUM: Final = re.compile(r"[^A-Za-z0-9]+")


def _tokens(text: str) -> list[str]:
    return [t for t in _NON_ALNUM.split(text) if t]


def collector_family(definition: MetricDefinition, *, unit_one_dropped: bool = True) -> str:
    """The family name the collector's Prometheus exporter gives ``definition``.

    ``unit_one_dropped`` models the collector config's transform processor, which clears the
    unit ``1`` so gauges do not get the collector-only ``_ratio`` suffix.
    """
    unit = "" if unit_one_dropped and definition.unit == "1" else definition.unit
    kind = prometheus_type(definition)
    tokens = _tokens(definition.name)
    main, _, per = (part.strip() for part in unit.partition("/"))
    if main and "{" not in main and "}" not in main:
        main_prom = "_".join(_tokens(_GO_UNITS.get(main, main)))
        if main_prom and main_prom not in tokens:
            tokens.append(main_prom)
    if per and "{" not in per and "}" not in per:
        per_prom = "_".join(_tokens(_GO_PER_UNITS.get(per, per)))
        if per_prom and per_prom not in tokens:
            tokens += ["per", per_prom]
    if kind is PromType.COUNTER:
        tokens = [t for t in tokens if t != "total"]
    if unit == "1" and kind is PromType.GAUGE:
        tokens = [*(t for t in tokens if t != "ratio"), "ratio"]
    return "_".join(tokens)


@dataclass(frozen=True)
class PathDivergence:
    """A metric whose family name differs between the embedded endpoint and the collector."""

    definition: MetricDefinition
    embedded: str
    collector: str


def path_divergences(definitions: tuple[MetricDefinition, ...] | None = None) -> list[PathDivergence]:
    """Registry metrics named differently by the two paths (after the collector's transform)."""
    found = []
    for definition in all_metrics() if definitions is None else definitions:
        embedded = prometheus_series(definition).family
        collector = collector_family(definition)
        if embedded != collector:
            found.append(PathDivergence(definition, embedded, collector))
    return found


def series_index() -> dict[str, PrometheusSeries]:
    """Every sample name of every registry metric, mapped to its series description."""
    index: dict[str, PrometheusSeries] = {}
    for definition in all_metrics():
        series = prometheus_series(definition)
        for name in series.names:
            index[name] = series
    return index
