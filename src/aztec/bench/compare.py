"""Change of a value against the base, and when that change deserves a warning sign.

A change warns when it moves more than 15% either way; durations (unit ``s``) whose head and base are
both under 10 ms are noisier, so they warn only beyond 30%. Exactly 15% (or 30%) does not warn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

WARNING_PERCENT: Final = 15.0
SMALL_DURATION_WARNING_PERCENT: Final = 30.0
SMALL_DURATION_S: Final = 0.010
WARNING_SIGN: Final = "⚠️"


@dataclass(frozen=True)
class Change:
    """``percent`` is ``(head - base) / base`` in percent; None when the base is 0 and the head is not."""

    percent: float | None
    warning: bool

    def text(self) -> str:
        label = "from 0" if self.percent is None else f"{self.percent:+.1f}%"
        return f"{label} {WARNING_SIGN}" if self.warning else label


def warning_percent(head: float, base: float, unit: str) -> float:
    """The threshold in percent that a change of this value must exceed to warn."""
    small = unit == "s" and max(abs(head), abs(base)) < SMALL_DURATION_S
    return SMALL_DURATION_WARNING_PERCENT if small else WARNING_PERCENT


def compare(head: float, base: float, unit: str) -> Change:
    if base == 0:
        return Change(0.0, False) if head == 0 else Change(None, True)
    percent = (head - base) / abs(base) * 100
    # Rounded so that float noise (1.15 / 1.0 - 1 = 0.1499999...) does not decide a threshold.
    return Change(percent, round(abs(percent), 9) > warning_percent(head, base, unit))
