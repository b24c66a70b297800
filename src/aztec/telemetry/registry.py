"""Finds every metric and attribute definition in the registry modules."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass

from aztec.telemetry import attributes as attributes_module
from aztec.telemetry import metrics as metrics_package
from aztec.telemetry.definitions import AttributeKey, MetricDefinition


@dataclass(frozen=True)
class RegisteredMetric:
    """A metric definition and where it is defined (module and Python name)."""

    definition: MetricDefinition
    module: str
    symbol: str


@functools.cache
def registered_metrics() -> tuple[RegisteredMetric, ...]:
    """Every definition in every module of :mod:`aztec.telemetry.metrics`, duplicates included."""
    found: list[RegisteredMetric] = []
    for info in sorted(pkgutil.iter_modules(metrics_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{metrics_package.__name__}.{info.name}")
        for symbol, value in vars(module).items():
            if isinstance(value, MetricDefinition):
                found.append(RegisteredMetric(value, module.__name__, symbol))
    return tuple(found)


@functools.cache
def all_metrics() -> tuple[MetricDefinition, ...]:
    """Every metric definition, sorted by name."""
    unique = {id(r.definition): r.definition for r in registered_metrics()}
    return tuple(sorted(unique.values(), key=lambda d: d.name))


@functools.cache
def all_attributes() -> tuple[AttributeKey, ...]:
    """Every attribute key defined in :mod:`aztec.telemetry.attributes`, sorted by name."""
    keys = [v for v in vars(attributes_module).values() if isinstance(v, AttributeKey)]
    return tuple(sorted(keys, key=str))


@functools.cache
def metrics_by_name() -> dict[str, MetricDefinition]:
    return {d.name: d for d in all_metrics()}


@functools.cache
def banned_attribute_names() -> frozenset[str]:
    """Attributes that must never be recorded on a metric because their values are unbounded."""
    return frozenset(str(k) for k in all_attributes() if k.unbounded)
