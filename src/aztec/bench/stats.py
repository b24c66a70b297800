"""The spread of a series over repeated runs: its mean and a 99% confidence interval.

Each repeat of ``aztec bench run`` gives one value per series (a histogram's mean, a counter's total, a
gauge's last value). Timings on a shared machine vary by a factor (a busy neighbour slows everything by
some percent), not by a fixed amount, so for series whose repeats are all positive the interval is
computed on their logarithms: with ``l`` the mean and ``s`` the sample standard deviation of
``ln(value)`` over ``n`` repeats, the 99% interval is ``exp(l ± t(0.995, n - 1) · s / √n)``, Student's
interval of the geometric mean. It never goes below zero and a 3x outlier widens it as much upwards as
a third would downwards. Series with a zero or negative repeat get Student's interval of the plain mean,
``m ± t · s / √n``. A single repeat has no interval (its noise is unknown); equal repeats give a point.
Student's quantiles come from the table below, as printed in any statistics text (no scipy); beyond 30
degrees of freedom the normal 2.576 is used. ``mean`` is always the plain (arithmetic) mean.

Why 99% and not the usual 95%: a report compares about 85 series at once, and on a busy machine a
neighbour's burst of load slows about one short repeat in four. With 95% intervals and 5 repeats, a
commit compared with itself flagged a value about one time in ten here (one in four in a simulation of
that noise); with 99% about one in a hundred, at the price of detecting a 2x change less often on such
a machine (a 20x one always).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

CONFIDENCE: Final = 0.99
CONFIDENCE_TEXT: Final = "99%"
T_995: Final = (
    63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169,
    3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845,
    2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.750,
)  # fmt: skip
"""Student's t quantile 0.995 for 1 to 30 degrees of freedom."""
NORMAL_995: Final = 2.576


def t_quantile(degrees_of_freedom: int) -> float:
    """Student's t 0.995 quantile (two-sided 99%) for ``degrees_of_freedom`` >= 1."""
    if degrees_of_freedom < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {degrees_of_freedom}")
    return T_995[degrees_of_freedom - 1] if degrees_of_freedom <= len(T_995) else NORMAL_995


@dataclass(frozen=True)
class Spread:
    """Per-repeat values of one series, their mean, and the 99% interval (None for one repeat)."""

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
