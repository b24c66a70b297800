"""PromQL built from registry definitions, and the reverse: the metric names a PromQL expression uses.

Dashboards and ``aztec top`` build queries here, so a query can only name a metric (and a label) that
the registry defines; :func:`metric_names` lets tests map any expression back to the registry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from aztec.telemetry.definitions import AttributeKey, MetricDefinition
from aztec.telemetry.exporters.prometheus_names import (
    SERVICE_INSTANCE_LABEL,
    SERVICE_NAME_LABEL,
    PromType,
    label_name,
    prometheus_series,
)

RESOURCE_LABELS: Final = (SERVICE_NAME_LABEL, SERVICE_INSTANCE_LABEL)
NODE_VARIABLE: Final = "node"
RATE_WINDOW: Final = "$__rate_interval"

Label = AttributeKey | str
"""An attribute of the metric, or one of the resource labels (``service_name``, ``service_instance_id``)."""
Matchers = Mapping[AttributeKey, str]
"""Label matchers by attribute; a value starting with ``!`` or ``~`` means ``!=`` or ``=~``."""


class QueryError(ValueError):
    """A query names an attribute its metric does not declare."""


def _label(definition: MetricDefinition, key: Label) -> str:
    if isinstance(key, AttributeKey):
        if key not in definition.attributes:
            declared = ", ".join(map(str, definition.attributes)) or "none"
            raise QueryError(f"{definition.name} has no attribute {key!s} (declared: {declared})")
        return label_name(key)
    if key not in RESOURCE_LABELS and key != "le":
        raise QueryError(f"{key!r} is neither an attribute of {definition.name} nor a resource label")
    return key


def _matcher(label: str, value: str) -> str:
    if value.startswith("!"):
        return f'{label}!="{value[1:]}"'
    if value.startswith("~"):
        return f'{label}=~"{value[1:]}"'
    return f'{label}="{value}"'


def selector(definition: MetricDefinition, sample: str | None = None, where: Matchers | None = None) -> str:
    """``name{service_instance_id=~"$node", ...}`` for one sample name of ``definition``."""
    name = sample or prometheus_series(definition).name
    parts = [f'{SERVICE_INSTANCE_LABEL}=~"${NODE_VARIABLE}"']
    parts += [_matcher(_label(definition, key), value) for key, value in (where or {}).items()]
    return f"{name}{{{', '.join(parts)}}}"


def _by(definition: MetricDefinition, by: Sequence[Label], extra: Sequence[str] = (), agg: str = "sum") -> str:
    labels = [*extra, *(_label(definition, key) for key in by)]
    return f"{agg} by ({', '.join(labels)})" if labels else agg


def gauge(
    definition: MetricDefinition,
    where: Matchers | None = None,
    by: Sequence[Label] | None = None,
    agg: str = "sum",
) -> str:
    """The gauge's value; with ``by``, aggregated (``agg``: sum, max, ...) over the other labels."""
    _require(definition, PromType.GAUGE)
    expr = selector(definition, where=where)
    return expr if by is None else f"{_by(definition, by, agg=agg)} ({expr})"


def rate(
    definition: MetricDefinition,
    by: Sequence[Label] = (SERVICE_INSTANCE_LABEL,),
    where: Matchers | None = None,
    window: str = RATE_WINDOW,
) -> str:
    """Per-second rate of a counter, or of a histogram's observations (its ``_count``)."""
    series = prometheus_series(definition)
    sample = series.count if series.type is PromType.HISTOGRAM else series.name
    if series.type is PromType.GAUGE:
        raise QueryError(f"{definition.name} is a gauge; rate() needs a counter or a histogram")
    return f"{_by(definition, by)} (rate({selector(definition, sample, where)}[{window}]))"


def quantile(
    definition: MetricDefinition,
    q: float,
    by: Sequence[Label] = (SERVICE_INSTANCE_LABEL,),
    where: Matchers | None = None,
    window: str = RATE_WINDOW,
) -> str:
    """``histogram_quantile`` over the rate of the histogram's buckets."""
    _require(definition, PromType.HISTOGRAM)
    buckets = selector(definition, prometheus_series(definition).name, where)
    return f"histogram_quantile({q:g}, {_by(definition, by, ('le',))} (rate({buckets}[{window}])))"


def ratio(numerator: str, denominator: str) -> str:
    return f"({numerator}) / ({denominator})"


def legend(*labels: Label) -> str:
    """A Grafana legend template showing the given labels (``{{service_instance_id}} {{rpc_method}}``)."""
    return " ".join("{{" + (label_name(k) if isinstance(k, AttributeKey) else k) + "}}" for k in labels)


def _require(definition: MetricDefinition, kind: PromType) -> None:
    actual = prometheus_series(definition).type
    if actual is not kind:
        raise QueryError(f"{definition.name} is a {actual.value}, not a {kind.value}")


# --- the reverse: which metric names does an expression use? -----------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_BRACES = re.compile(r"\{[^{}]*\}")
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENTIFIER = re.compile(r"(?<![\w.$])[A-Za-z_:][\w:]*")
_CALL = re.compile(r"\s*\(")
_KEYWORDS: Final = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"}
    | {"inf", "nan", "Inf", "NaN"}
)


def metric_names(expr: str) -> set[str]:
    """Every metric name an expression selects (label names, functions and keywords excluded)."""
    text = _STRING.sub('""', expr)
    names = set(re.findall(r'__name__\s*=~?\s*"([^"]*)"', expr))
    text = _BRACES.sub("", text)
    text = _BRACKETS.sub("", text)
    text = _GROUPING.sub("", text)
    for match in _IDENTIFIER.finditer(text):
        if match.group() not in _KEYWORDS and not _CALL.match(text, match.end()):
            names.add(match.group())
    return names
