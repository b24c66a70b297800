"""The bounded size classes the scenarios bucket by: counts rounded up to a power of two, capped."""

from __future__ import annotations

import pytest

from aztec.sequencer.instrumentation import block_size_class
from aztec.telemetry import attributes as a
from aztec.world_state.instrumentation import batch_size_class


@pytest.mark.parametrize(
    ("leaves", "expected"),
    [(0, "0"), (1, "1"), (2, "2"), (3, "4"), (16, "16"), (17, "32"), (256, "256"), (1024, "1024"), (1025, "1024+")],
)
def test_batch_size_class_rounds_up_to_a_power_of_two(leaves: int, expected: str) -> None:
    assert batch_size_class(leaves) == expected


def test_every_size_class_is_a_declared_value() -> None:
    assert {batch_size_class(n) for n in range(2000)} == set(a.BATCH_SIZE_CLASS.values or ())
    assert {block_size_class(n) for n in range(300)} == set(a.BLOCK_SIZE_CLASS.values or ())
