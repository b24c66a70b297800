"""The aggregation cells: a record appends, a drain (or the pending limit) folds, with the SDK's bucket rule."""

from __future__ import annotations

import math
import random
from bisect import bisect_left

from aztec.telemetry.otel.cells import PENDING_LIMIT, HistogramCell, SumCell, refusal

BOUNDS = (0.0, 0.005, 0.01, 0.1, 1.0)


def test_a_drain_folds_the_pending_values_as_one_record_at_a_time_would() -> None:
    cell = HistogramCell(BOUNDS, refusal("h", "histogram"))
    values = [0.0, 0.005, 0.01, 0.1, 1.0, 2.0, *(random.uniform(0, 1.5) for _ in range(200))]  # bounds included
    random.shuffle(values)
    for value in values:
        cell.record(value)
    window = cell.drain()
    assert window is not None
    expected = [0] * (len(BOUNDS) + 1)
    total = 0.0
    for value in values:
        expected[bisect_left(BOUNDS, value)] += 1  # the SDK's rule: a value equal to a bound is in its bucket
        total += value
    assert window.bucket_counts == expected
    assert window.sum == total  # summed in record order: bit for bit
    assert (window.min, window.max) == (min(values), max(values))
    assert cell.drain() is None


def test_pending_values_are_folded_past_the_limit_without_a_drain() -> None:
    cell = HistogramCell(BOUNDS, refusal("h", "histogram"))
    counter = SumCell(refusal("c", "counter"))
    for _ in range(3 * PENDING_LIMIT):
        cell.record(0.5)
        counter.add(2)
    assert len(cell._pending) <= PENDING_LIMIT
    assert len(counter._pending) <= PENDING_LIMIT
    window = cell.drain()
    assert window is not None and sum(window.bucket_counts) == 3 * PENDING_LIMIT
    assert counter.drain() == 6 * PENDING_LIMIT


def test_refused_values_never_reach_the_window() -> None:
    cell = HistogramCell(BOUNDS, refusal("h", "histogram"))
    for value in (-1.0, math.nan, 0.5):
        cell.record(value)
    window = cell.drain()
    assert window is not None and sum(window.bucket_counts) == 1 and window.sum == 0.5
    up_down = SumCell(None)
    up_down.add(-3)
    up_down.add(1)
    assert up_down.drain() == -2
