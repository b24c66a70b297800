"""Base-2 exponential histograms for local aggregation, with the OpenTelemetry SDK's exact semantics.

A value ``v > 0`` falls in bucket ``i`` of scale ``s`` when ``base**i < v <= base**(i+1)`` with
``base = 2**(2**-s)``. A series starts at scale 20 and halves its resolution (scale - 1, indexes >> 1)
whenever its buckets would span more than ``MAX_SIZE`` indexes; it keeps its scale from one collection
to the next, as the SDK's aggregation does. Index mapping follows the SDK's ``ExponentMapping`` (scale
<= 0) and ``LogarithmMapping`` (scale > 0), so both paths give the same points (a test compares them).
Histograms here refuse negative values, so only the positive range and the zero bucket are kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

MAX_SIZE: Final = 160
MAX_SCALE: Final = 20
_MIN_NORMAL: Final = 2.2250738585072014e-308
_MAX_NORMAL_EXPONENT: Final = 1023


def map_to_index(value: float, scale: int) -> int:
    """The bucket index of ``value`` (positive, normal) at ``scale``."""
    mantissa, exponent = math.frexp(max(value, _MIN_NORMAL))
    exponent -= 1  # IEEE 754: value = 1.f * 2**exponent
    exact_power = mantissa == 0.5
    if scale <= 0:
        return (exponent - exact_power) >> -scale
    if exact_power:
        return (exponent << scale) - 1
    return min(
        math.floor(math.log(value) * math.ldexp(1 / math.log(2), scale)),
        ((_MAX_NORMAL_EXPONENT + 1) << scale) - 1,
    )


def scale_change(low: int, high: int) -> int:
    """How many halvings make ``low..high`` fit in ``MAX_SIZE`` buckets."""
    change = 0
    while high - low >= MAX_SIZE:
        high >>= 1
        low >>= 1
        change += 1
    return change


def downscale(counts: dict[int, int], change: int) -> dict[int, int]:
    if change == 0:
        return counts
    merged: dict[int, int] = {}
    for index, count in counts.items():
        merged[index >> change] = merged.get(index >> change, 0) + count
    return merged


@dataclass(slots=True)
class ExponentialWindow:
    """A series' exponential histogram between two drains, or accumulated over several (cumulative)."""

    scale: int
    counts: dict[int, int] = field(default_factory=dict)
    zero_count: int = 0
    count: int = 0
    sum: float = 0.0
    min: float = math.inf
    max: float = -math.inf

    def bucket_range(self) -> tuple[int, list[int]]:
        """(offset, bucket counts) as OTLP carries them; (0, [0]) with no positive value, as the SDK sends."""
        if not self.counts:
            return 0, [0]
        low, high = min(self.counts), max(self.counts)
        return low, [self.counts.get(i, 0) for i in range(low, high + 1)]

    def merged(self, window: ExponentialWindow) -> ExponentialWindow:
        """``self`` plus ``window``, at the finest scale both fit in (the SDK's cumulative merge)."""
        scale = min(self.scale, window.scale)
        mine = downscale(self.counts, self.scale - scale)
        theirs = downscale(window.counts, window.scale - scale)
        indexes = [*mine, *theirs]
        if indexes:
            change = scale_change(min(indexes), max(indexes))
            scale -= change
            mine, theirs = downscale(mine, change), downscale(theirs, change)
        for index, count in theirs.items():
            mine[index] = mine.get(index, 0) + count
        return ExponentialWindow(
            scale,
            mine,
            self.zero_count + window.zero_count,
            self.count + window.count,
            self.sum + window.sum,
            min(self.min, window.min),
            max(self.max, window.max),
        )


class ExponentialAccumulator:
    """What one series recorded since the last drain; not thread-safe (its histogram cell holds the lock)."""

    __slots__ = ("_mapping_scale", "_window", "_window_scale")

    def __init__(self) -> None:
        self._mapping_scale = MAX_SCALE
        self._window = ExponentialWindow(MAX_SCALE)
        self._window_scale: int | None = None

    def record(self, value: float) -> None:
        window = self._window
        window.count += 1
        window.sum += value
        window.min = min(window.min, value)
        window.max = max(window.max, value)
        if value == 0:
            window.zero_count += 1
            if window.count == window.zero_count:
                self._window_scale = 0
            return
        index = map_to_index(value, self._mapping_scale)
        counts = window.counts
        if counts:
            low, high = min(counts), max(counts)
            if (index < low and high - index >= MAX_SIZE) or (index > high and index - low >= MAX_SIZE):
                change = scale_change(min(low, index), max(high, index))
                window.counts = counts = downscale(counts, change)
                self._mapping_scale -= change
                index = map_to_index(value, self._mapping_scale)
        self._window_scale = self._mapping_scale
        counts[index] = counts.get(index, 0) + 1

    def drain(self) -> ExponentialWindow | None:
        window = self._window
        if window.count == 0:
            return None
        window.scale = self._mapping_scale if self._window_scale is None else self._window_scale
        self._window = ExponentialWindow(self._mapping_scale)
        self._window_scale = None
        return window
