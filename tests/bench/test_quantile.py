"""Quantiles from bucket counts: Prometheus' interpolation, narrowed to the observed min and max."""

from __future__ import annotations

import pytest

from aztec.bench.quantile import histogram_quantile

BOUNDS = (1.0, 2.0, 4.0, 8.0)
# Values 0.5 | 1.5 1.5 | 3 3 3 3 | 6 6 | 10: cumulative 1, 3, 7, 9, 10.
COUNTS = (1, 2, 4, 2, 1)


def test_interpolates_linearly_inside_the_bucket_holding_the_rank() -> None:
    # rank 5 falls in (2, 4], which holds ranks 4..7: 2 + 2 * (5 - 3) / 4
    assert histogram_quantile(0.5, BOUNDS, COUNTS) == pytest.approx(3.0)
    # rank 2.5 in (1, 2]: 1 + 1 * (2.5 - 1) / 2
    assert histogram_quantile(0.25, BOUNDS, COUNTS) == pytest.approx(1.75)


def test_without_min_and_max_it_answers_like_prometheus() -> None:
    # The first bucket starts at 0; the open last bucket answers the highest finite bound.
    assert histogram_quantile(0.05, BOUNDS, COUNTS) == pytest.approx(0.5)  # rank 0.5 of 1 in (0, 1]
    assert histogram_quantile(0.95, BOUNDS, COUNTS) == pytest.approx(8.0)


def test_min_and_max_narrow_the_edge_buckets() -> None:
    # rank 9.5 in the open bucket, now (8, 10]: 8 + 2 * (9.5 - 9) / 1
    assert histogram_quantile(0.95, BOUNDS, COUNTS, minimum=0.5, maximum=10.0) == pytest.approx(9.0)
    # rank 0.5 in (0.5, 1]: 0.5 + 0.5 * 0.5
    assert histogram_quantile(0.05, BOUNDS, COUNTS, minimum=0.5, maximum=10.0) == pytest.approx(0.75)
    # All values equal: every quantile is that value.
    assert histogram_quantile(0.5, BOUNDS, (0, 0, 5, 0, 0), minimum=3.0, maximum=3.0) == pytest.approx(3.0)


def test_extremes_are_the_first_and_last_values() -> None:
    assert histogram_quantile(0.0, BOUNDS, COUNTS, minimum=0.5, maximum=10.0) == pytest.approx(0.5)
    assert histogram_quantile(1.0, BOUNDS, COUNTS, minimum=0.5, maximum=10.0) == pytest.approx(10.0)


def test_empty_buckets_before_the_rank_are_skipped() -> None:
    assert histogram_quantile(0.5, BOUNDS, (0, 0, 0, 4, 0)) == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("q", "counts", "message"),
    [(0.5, (0, 0, 0, 0, 0), "empty"), (1.5, COUNTS, "outside"), (0.5, (1, 2), "bucket counts")],
)
def test_bad_arguments_raise(q: float, counts: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        histogram_quantile(q, BOUNDS, counts)
