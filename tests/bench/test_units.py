"""Values formatted for people."""

from __future__ import annotations

import pytest

from aztec.bench.units import format_relative, format_value


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.0123, "s", "12.3 ms"),
        (0.5, "s", "500 ms"),
        (1.5, "s", "1.5 s"),
        (0.000042, "s", "42 µs"),
        (0.0, "s", "0 s"),
        (900.0, "s", "15 min"),
        (0.0009999, "s", "1 ms"),
        (0.99999, "s", "1 s"),
        (-0.0123, "s", "-12.3 ms"),
        (512, "By", "512 B"),
        (2048, "By", "2 KiB"),
        (1536, "By", "1.5 KiB"),
        (3 * 1024 * 1024, "By", "3 MiB"),
        (16, "{tx}", "16 tx"),
        (12_345_678, "{gas}", "12.3M gas"),
        (1_500_000, "{gas}/s", "1.5M gas/s"),
        (2.5, "1", "2.5"),
        (7, "%", "7%"),
    ],
)
def test_format_value(value: float, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_format_relative() -> None:
    assert [format_relative(p, 100) for p in (3.21, 12.4, 0, 150)] == ["±3.2%", "±12%", "±0%", "±150%"]
    assert format_relative(0, 0) == "±0%"
