"""When a change is flagged: beyond the threshold (15%, or 30% for durations under 10 ms) and the noise."""

from __future__ import annotations

import pytest

from aztec.bench.compare import BETTER_SIGN, WORSE_SIGN, compare, warning_percent
from aztec.bench.schema import BucketValue
from aztec.bench.stats import spread


def value(*repeats: float, unit: str = "s") -> BucketValue:
    """A series measured in ``repeats`` (one or more), with the interval aggregation gives it."""
    summary = spread(repeats)
    return BucketValue("gauge", unit, summary.mean, repeats=summary.values, interval=summary.interval)


def exact(number: float, unit: str = "s") -> BucketValue:
    """A series with no noise: the same value in three repeats."""
    return value(number, number, number, unit=unit)


@pytest.mark.parametrize(
    ("head", "base", "flagged"),
    [
        (1.149, 1.0, False),  # +14.9%
        (1.15, 1.0, False),  # +15%: not more than 15%
        (1.151, 1.0, True),  # +15.1%
        (0.851, 1.0, False),  # -14.9%
        (0.85, 1.0, False),  # -15%
        (0.849, 1.0, True),  # -15.1%
        (115.0, 100.0, False),
        (115.1, 100.0, True),
    ],
)
def test_fifteen_percent_threshold_without_noise(head: float, base: float, flagged: bool) -> None:
    assert compare(exact(head), exact(base), "lower").flagged is flagged
    assert compare(exact(head, "By"), exact(base, "By"), "lower").flagged is flagged


@pytest.mark.parametrize(
    ("head", "base", "flagged"),
    [
        (0.006494, 0.005, False),  # +29.9%, both under 10 ms
        (0.0065, 0.005, False),  # +30%
        (0.006505, 0.005, True),  # +30.1%
        (0.0034, 0.005, True),  # -32%
    ],
)
def test_thirty_percent_for_durations_under_ten_ms(head: float, base: float, flagged: bool) -> None:
    assert compare(exact(head), exact(base), "lower").flagged is flagged


def test_the_ten_ms_rule_applies_only_when_both_values_are_under_ten_ms_and_only_to_seconds() -> None:
    assert warning_percent(0.0099, 0.0099, "s") == 30.0
    assert warning_percent(0.010, 0.0099, "s") == 15.0  # head at 10 ms: not under
    assert warning_percent(0.0099, 0.010, "s") == 15.0
    assert compare(exact(0.0116), exact(0.009), "lower").flagged  # +28.9%, but the head is over 10 ms
    assert warning_percent(0.005, 0.005, "By") == 15.0  # 0.005 bytes is not a small duration
    assert compare(exact(0.0062, "By"), exact(0.005, "By"), "lower").flagged


def test_a_change_within_the_noise_is_not_flagged() -> None:
    noisy_base = value(0.8, 1.0, 1.2)  # mean 1.0, 95% interval about 0.6 to 1.6
    noisy_head = value(1.1, 1.3, 1.5)  # mean 1.3 (+30%), interval about 0.9 to 1.9: they overlap
    change = compare(noisy_head, noisy_base, "lower")
    assert change.beyond_threshold and change.beyond_noise is False and not change.flagged
    assert change.text() == "+30.0% (within noise)"
    steady_head = value(1.29, 1.30, 1.31)
    steady_base = value(0.99, 1.00, 1.01)
    assert compare(steady_head, steady_base, "lower").flagged


def test_a_single_repeat_has_unknown_noise_and_is_never_flagged() -> None:
    change = compare(value(2.0), value(1.0), "lower")
    assert change.beyond_threshold and change.beyond_noise is None and not change.flagged
    assert change.text() == "+100.0%"


def test_worse_or_better_follows_the_direction() -> None:
    slower = compare(exact(1.5), exact(1.0), "lower")
    assert (slower.verdict, slower.text()) == ("worse", f"+50.0% {WORSE_SIGN}")
    faster = compare(exact(0.5), exact(1.0), "lower")
    assert (faster.verdict, faster.text()) == ("better", f"-50.0% {BETTER_SIGN}")
    more_throughput = compare(exact(1.5, "{gas}/s"), exact(1.0, "{gas}/s"), "higher")
    assert more_throughput.verdict == "better"
    assert compare(exact(0.5, "{gas}/s"), exact(1.0, "{gas}/s"), "higher").verdict == "worse"


def test_change_text() -> None:
    assert compare(exact(0.9), exact(1.0), "lower").text() == "-10.0%"
    assert compare(exact(0.0), exact(0.0), "lower").text() == "+0.0%"
    zero_base = compare(exact(3.0, "By"), exact(0.0, "By"), "lower")
    assert (zero_base.percent, zero_base.flagged, zero_base.text()) == (None, True, f"from 0 {WORSE_SIGN}")
