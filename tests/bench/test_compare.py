"""Warnings at and around each threshold: 15% in general, 30% for durations under 10 ms."""

from __future__ import annotations

import pytest

from aztec.bench.compare import WARNING_SIGN, compare, warning_percent


@pytest.mark.parametrize(
    ("head", "base", "warns"),
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
def test_fifteen_percent_threshold(head: float, base: float, warns: bool) -> None:
    assert compare(head, base, "s").warning is warns
    assert compare(head, base, "By").warning is warns


@pytest.mark.parametrize(
    ("head", "base", "warns"),
    [
        (0.006494, 0.005, False),  # +29.9%, both under 10 ms
        (0.0065, 0.005, False),  # +30%
        (0.006505, 0.005, True),  # +30.1%
        (0.0034, 0.005, True),  # -32%
    ],
)
def test_thirty_percent_for_durations_under_ten_ms(head: float, base: float, warns: bool) -> None:
    assert compare(head, base, "s").warning is warns


def test_the_ten_ms_rule_applies_only_when_both_values_are_under_ten_ms_and_only_to_seconds() -> None:
    assert warning_percent(0.0099, 0.0099, "s") == 30.0
    assert warning_percent(0.010, 0.0099, "s") == 15.0  # head at 10 ms: not under
    assert warning_percent(0.0099, 0.010, "s") == 15.0
    assert compare(0.0116, 0.009, "s").warning  # +28.9%, but the head is over 10 ms
    assert warning_percent(0.005, 0.005, "By") == 15.0  # 0.005 bytes is not a small duration
    assert compare(0.0062, 0.005, "By").warning


def test_change_text() -> None:
    assert compare(1.151, 1.0, "s").text() == f"+15.1% {WARNING_SIGN}"
    assert compare(0.9, 1.0, "s").text() == "-10.0%"
    assert compare(0.0, 0.0, "s").text() == "+0.0%"
    zero_base = compare(3.0, 0.0, "1")
    assert (zero_base.percent, zero_base.warning, zero_base.text()) == (None, True, f"from 0 {WARNING_SIGN}")
