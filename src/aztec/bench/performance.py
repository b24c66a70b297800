"""Which series are performance figures, and which way each improves, from the metric registry.

A metric's definition declares ``better`` (``lower`` or ``higher``) when it is a performance figure
that is not a duration: throughput, sizes, gas. Durations (unit ``s``) are lower-is-better unless
declared otherwise. Everything else (heights, counts of operations, configured sizes, balances) is
not a performance figure: reports and github-action-benchmark output leave it out.
"""

from __future__ import annotations

from aztec.telemetry.definitions import Better
from aztec.telemetry.registry import metrics_by_name

DURATION_UNIT = "s"


def better_of(metric: str, unit: str) -> Better | None:
    """``lower``, ``higher``, or None when ``metric`` is not a performance figure."""
    definition = metrics_by_name().get(metric)
    if definition is not None and definition.better is not None:
        return definition.better
    return "lower" if unit == DURATION_UNIT else None
