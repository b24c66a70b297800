"""The bucket of a series: a stable string built from its bounded attribute values.

``{}`` gives ``""``; ``{tree: "nullifier"}`` gives ``"nullifier"``; several attributes give their values in
the order of the attribute names, joined by ``/`` (``base-rollup/server/native``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Final

from aztec.bench.ndjson_reader import AttributeValue

SEPARATOR: Final = "/"


def bucket_key(attributes: Mapping[str, AttributeValue]) -> str:
    return SEPARATOR.join(_text(attributes[name]) for name in sorted(attributes))


def _text(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_number(key: str) -> float | None:
    """The bucket as a number (``"16"`` -> 16.0), or None when it is not one."""
    try:
        number = float(key)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def sorted_buckets(keys: Iterable[str]) -> list[str]:
    """In natural order: part by part, numbers numerically and before names (``4/x``, ``16/x``, ``64/x``,
    ``128+/x``, ``a``); "" first."""
    return sorted(keys, key=natural_key)


def natural_key(key: str) -> tuple[tuple[int, float, str], ...]:
    """A sort key comparing the ``/``-separated parts of a bucket, numbers (``128+`` too) as numbers."""
    parts = []
    for part in key.split(SEPARATOR) if key else []:
        number = as_number(part.rstrip("+"))
        parts.append((0, number, part) if number is not None else (1, 0.0, part))
    return tuple(parts)
