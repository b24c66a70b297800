"""The 99% interval over repeats, against values computed by hand (Student's t)."""

from __future__ import annotations

import math

import pytest

from aztec.bench.stats import intervals_overlap, spread, t_quantile


def test_t_quantiles_from_the_table_then_the_normal() -> None:
    assert [t_quantile(df) for df in (1, 2, 4, 30)] == [63.657, 9.925, 4.604, 2.750]
    assert t_quantile(31) == t_quantile(1000) == 2.576
    with pytest.raises(ValueError, match="at least 1"):
        t_quantile(0)


def test_interval_of_five_positive_repeats_is_geometric() -> None:
    summary = spread([10.0, 11.0, 9.0, 10.5, 9.5])
    logs = [math.log(v) for v in (10.0, 11.0, 9.0, 10.5, 9.5)]
    centre = sum(logs) / 5
    sd = math.sqrt(sum((x - centre) ** 2 for x in logs) / 4)
    half = 4.604 * sd / math.sqrt(5)  # t(4) = 4.604
    assert summary.mean == 10.0
    assert summary.interval == pytest.approx((math.exp(centre - half), math.exp(centre + half)))
    assert summary.interval is not None and summary.interval[0] < 10.0 < summary.interval[1]
    assert summary.values == (10.0, 11.0, 9.0, 10.5, 9.5) and not summary.exact
    low, high = spread([1.0, 3.0, 9.0]).interval or (0, 0)
    assert low > 0 and high / 3 == pytest.approx(3 / low)  # symmetric in ratio around the geometric mean


def test_interval_with_a_zero_repeat_is_students_on_the_mean() -> None:
    summary = spread([0.0, 1.0, 2.0])  # mean 1, sample standard deviation 1, t(2) = 9.925
    half = 9.925 / math.sqrt(3)
    assert summary.interval == pytest.approx((1 - half, 1 + half))
    assert summary.half_width == pytest.approx(half)


def test_one_repeat_has_no_interval_and_equal_repeats_a_point() -> None:
    assert spread([3.0]).interval is None and spread([3.0]).half_width is None
    assert spread([4.0, 4.0]).interval == (4.0, 4.0) and spread([4.0, 4.0]).exact
    with pytest.raises(ValueError):
        spread([])


def test_overlap() -> None:
    assert intervals_overlap((1, 2), (2, 3)) and intervals_overlap((1, 5), (2, 3))
    assert not intervals_overlap((1, 2), (2.01, 3))
