"""Values with their UCUM unit formatted for people: ``0.0123 s`` -> ``12.3 ms``, ``2048 By`` -> ``2 KiB``,
``1.5e6 {gas}/s`` -> ``1.5M gas/s``."""

from __future__ import annotations

import math
from typing import Final

_BINARY: Final = ("B", "KiB", "MiB", "GiB", "TiB")
_SI: Final = ("", "k", "M", "G", "T")


def format_value(value: float, unit: str) -> str:
    """Three significant digits and a readable unit: SI prefixes on numbers, annotations without braces
    (``{gas}/s`` -> ``gas/s``); the dimensionless ``1`` is a plain number."""
    if unit == "s":
        return format_seconds(value)
    if unit == "By":
        return format_bytes(value)
    number = format_number(value)
    readable = unit_text(unit)
    if unit == "%":
        return f"{number}%"
    return f"{number} {readable}" if readable else number


def unit_text(unit: str) -> str:
    """A UCUM unit as people write it: ``{gas}/s`` -> ``gas/s``, ``1`` -> ``""``."""
    return "" if unit == "1" else unit.replace("{", "").replace("}", "")


def format_relative(part: float, whole: float) -> str:
    """``part`` as a percentage of ``whole``, two significant digits at most: ``±3.2%``, ``±12%``, ``±0%``."""
    if whole == 0:
        return "±0%" if part == 0 else "±∞"
    percent = abs(part / whole) * 100
    if percent == 0:
        return "±0%"
    return f"±{_significant(percent, 2)}%"


def format_seconds(value: float) -> str:
    """In µs, ms, s or min, whichever keeps the rounded number under 1000 (0.0009999 s is ``1 ms``)."""
    if value == 0:
        return "0 s"
    for factor, unit, below in ((1e6, "µs", 1000.0), (1e3, "ms", 1000.0), (1.0, "s", 600.0)):
        text = _significant(value * factor)
        if abs(float(text)) < below:
            return f"{text} {unit}"
    return f"{_significant(value / 60)} min"


def format_bytes(value: float) -> str:
    scaled, index = value, 0
    while abs(scaled) >= 1024 and index < len(_BINARY) - 1:
        scaled /= 1024
        index += 1
    if index == 0:
        return f"{format_number(value)} B"
    return f"{_significant(scaled)} {_BINARY[index]}"


def format_number(value: float) -> str:
    """Integers as they are below 10 000, larger values with k/M/G, fractions with three significant digits."""
    if float(value).is_integer() and abs(value) < 10_000:
        return str(int(value))
    scaled, index = value, 0
    while abs(scaled) >= 1000 and index < len(_SI) - 1:
        scaled /= 1000
        index += 1
    return f"{_significant(scaled)}{_SI[index]}"


def _significant(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, without a trailing ``.0`` (12.3, 123, 1.23, 0.0123)."""
    if value == 0 or not math.isfinite(value):
        return str(value if not float(value).is_integer() else int(value))
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
