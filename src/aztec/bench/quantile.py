"""Quantiles estimated from histogram bucket counts, as Prometheus' ``histogram_quantile``.

Linear interpolation inside the bucket that holds the rank, with one refinement: OpenTelemetry
histograms carry the observed min and max, so a bucket's edges are narrowed to them. That makes the
open-ended last bucket usable (Prometheus can only return the highest finite bound) and keeps an
estimate inside the range of values that were actually recorded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def histogram_quantile(
    q: float,
    bounds: Sequence[float],
    bucket_counts: Sequence[int],
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """The ``q``-quantile (0 <= q <= 1) of the values counted in ``bucket_counts``.

    ``bucket_counts[i]`` counts values in ``(bounds[i-1], bounds[i]]``; the last entry counts values above
    ``bounds[-1]``. Raises ``ValueError`` for an empty histogram or a q outside [0, 1].
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is outside [0, 1]")
    if len(bucket_counts) != len(bounds) + 1:
        raise ValueError(f"{len(bucket_counts)} bucket counts for {len(bounds)} bounds")
    total = sum(bucket_counts)
    if total == 0:
        raise ValueError("the histogram is empty")
    rank = q * total
    cumulative = 0
    for index, count in enumerate(bucket_counts):
        if count > 0 and cumulative + count >= rank:
            lower, upper = _edges(index, bounds, minimum, maximum)
            if math.isinf(upper):
                return lower  # no max known: Prometheus answers the highest finite bound
            return lower + (upper - lower) * (rank - cumulative) / count
        cumulative += count
    raise AssertionError("unreachable: the rank lies within the total count")


def _edges(index: int, bounds: Sequence[float], minimum: float | None, maximum: float | None) -> tuple[float, float]:
    """The bucket's (lower, upper) edges, narrowed to the observed min and max when they are known."""
    upper = bounds[index] if index < len(bounds) else math.inf
    if index > 0:
        lower = bounds[index - 1]
    elif minimum is not None:
        lower = minimum
    else:
        lower = 0.0 if upper > 0 else upper  # Prometheus: the first bucket starts at 0
    if minimum is not None:
        lower = max(lower, minimum)
    if maximum is not None:
        upper = min(upper, maximum)
    return lower, upper
