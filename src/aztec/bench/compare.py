"""Change of a series against the base, and when that change is flagged.

A change is flagged when it passes both tests:

- **threshold**: it moves the mean more than 15% either way (30% for durations whose head and base are
  both under 10 ms); exactly 15% (or 30%) does not pass;
- **noise**: the 99% intervals of head and base (:mod:`aztec.bench.stats`, from the repeats) do not
  overlap. Non-overlapping 99% intervals is a stricter test than a two-sample t-test at 1%, so a
  flag is rarely noise (why 99%: see :mod:`aztec.bench.stats`). With a single repeat on either side
  the noise is unknown and nothing is flagged.

Only performance figures are compared (:mod:`aztec.bench.performance`); a flagged change is *worse* or
*better* according to which way the metric improves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from aztec.bench.schema import BucketValue
from aztec.bench.stats import intervals_overlap
from aztec.telemetry.definitions import Better

WARNING_PERCENT: Final = 15.0
SMALL_DURATION_WARNING_PERCENT: Final = 30.0
SMALL_DURATION_S: Final = 0.010
WORSE_SIGN: Final = "⚠️"
BETTER_SIGN: Final = "✅"
WITHIN_NOISE: Final = "within noise"

Verdict = Literal["worse", "better"]


@dataclass(frozen=True)
class Change:
    """``percent`` is ``(head - base) / base`` in percent; None when the base is 0 and the head is not."""

    percent: float | None
    beyond_threshold: bool
    beyond_noise: bool | None
    """Whether the intervals are apart; None when either side has a single repeat."""
    better: Better

    @property
    def flagged(self) -> bool:
        return self.beyond_threshold and self.beyond_noise is True

    @property
    def verdict(self) -> Verdict | None:
        if not self.flagged:
            return None
        rising = self.percent is None or self.percent > 0
        return "worse" if rising == (self.better == "lower") else "better"

    @property
    def label(self) -> str:
        """``+12.3%``, or ``from 0``."""
        return "from 0" if self.percent is None else f"{self.percent:+.1f}%"

    def text(self) -> str:
        label = self.label
        if self.verdict is not None:
            return f"{label} {WORSE_SIGN if self.verdict == 'worse' else BETTER_SIGN}"
        if self.beyond_threshold and self.beyond_noise is False:
            return f"{label} ({WITHIN_NOISE})"
        return label


def warning_percent(head: float, base: float, unit: str) -> float:
    """The threshold in percent that a change of this value must exceed to be flagged."""
    small = unit == "s" and max(abs(head), abs(base)) < SMALL_DURATION_S
    return SMALL_DURATION_WARNING_PERCENT if small else WARNING_PERCENT


def compare(head: BucketValue, base: BucketValue, better: Better) -> Change:
    """The change from ``base`` to ``head`` of one series whose metric improves as ``better`` says."""
    beyond_noise = None
    if head.interval is not None and base.interval is not None:
        beyond_noise = not intervals_overlap(head.interval, base.interval)
    if base.value == 0:
        return Change(0.0 if head.value == 0 else None, head.value != 0, beyond_noise, better)
    percent = (head.value - base.value) / abs(base.value) * 100
    # Rounded so that float noise (1.15 / 1.0 - 1 = 0.1499999...) does not decide a threshold.
    beyond = round(abs(percent), 9) > warning_percent(head.value, base.value, head.unit)
    return Change(percent, beyond, beyond_noise, better)
