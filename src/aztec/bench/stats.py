"""The spread of a series over repeated runs: its mean and a 95% confidence interval.

Each repeat of ``aztec bench run`` gives one value per series (a histogram's mean, a counter's total, a
gauge's last value). Timings on a shared machine vary by a factor (a busy neighbour slows everything by
some percent), not by a fixed amount, so for series whose repeats are all positive the interval is
computed on their logarithms: with ``l`` the mean and ``s`` the sample standard deviation of
``ln(value)`` over ``n`` repeats, the 95% interval is ``exp(l ± t(0.975, n - 1) · s / √n)``, Student's
interval of the geometric mean. It never goes below zero and a 3x outlier widens it as much upwards as
a third would downwards. Series with a zero or negative repeat get Student's interval of the plain mean,
``m ± t · s / √n``. A single repeat has no interval (its noise is unknown); equal repeats give a point.
Student's quantiles come from the table below, as printed in any statistics text (no scipy); beyond 30
degrees of freedom the normal 1.96 is used. ``mean`` is always the plain (arithmetic) mean.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

CONFIDENCE: Final = 0.95
T_975: Final = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
"""Student's t quantile 0.975 for 1 to 30 degrees of freedom."""
NORMAL_975: Final = 1.96


def t_quantile(degrees_of_freedom: int) -> float:
    """Student's t 0.975 quantile (two-sided 95%) for ``degrees_of_freedom`` >= 1."""
    if degrees_of_freedom < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {degrees_of_freedom}")
    return T_975[degrees_of_freedom - 1] if degrees_of_freedom <= len(T_975) else NORMAL_975


@dataclass(frozen=True)
class Spread:
    """Per-repeat values of one series, their mean, and the 95% interval of the mean (None for one repeat)."""

    values: tuple[float, ...]
    mean: float
    interval: tuple[float, float] | None

    @property
    def half_width(self) -> float | None:
        return None if self.interval is None else (self.interval[1] - self.interval[0]) / 2

    @property
    def exact(self) -> bool:
        """Every repeat gave the same value (a deterministic figure: a size, gas), over two or more repeats."""
        return len(self.values) >= 2 and max(self.values) == min(self.values)


def spread(values: Sequence[float]) -> Spread:
    if not values:
        raise ValueError("a spread needs at least one value")
    mean = math.fsum(values) / len(values)
    if len(values) < 2:
        return Spread(tuple(values), mean, None)
    if max(values) == min(values):
        return Spread(tuple(values), values[0], (values[0], values[0]))
    t = t_quantile(len(values) - 1)
    if min(values) > 0:
        logs = [math.log(v) for v in values]
        centre, half = statistics.fmean(logs), t * statistics.stdev(logs) / math.sqrt(len(logs))
        return Spread(tuple(values), mean, (math.exp(centre - half), math.exp(centre + half)))
    half = t * statistics.stdev(values) / math.sqrt(len(values))
    return Spread(tuple(values), mean, (mean - half, mean + half))


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True when the closed intervals share a point."""
    return a[0] <= b[1] and b[0] <= a[1]
