"""Calldata gas and the EIP-1559 base fee rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aztec.l1.gas import calldata_gas, intrinsic_gas, next_base_fee

LIMIT = 1_000_000
TARGET = LIMIT // 2


def test_calldata_costs_16_per_nonzero_and_4_per_zero_byte() -> None:
    assert calldata_gas(b"") == 0
    assert calldata_gas(b"\x00\x00\x00") == 12
    assert calldata_gas(b"\x01\xff") == 32
    assert calldata_gas(b"\x00\x07\x00\x09") == 4 + 16 + 4 + 16
    assert intrinsic_gas(b"\x00\x07", 50_000) == 21_000 + 20 + 50_000


def test_base_fee_rises_by_an_eighth_in_a_full_block_and_falls_by_an_eighth_in_an_empty_one() -> None:
    assert next_base_fee(800, LIMIT, LIMIT, 1) == 900
    assert next_base_fee(800, 0, LIMIT, 1) == 700
    assert next_base_fee(800, TARGET, LIMIT, 1) == 800


def test_base_fee_moves_in_proportion_to_the_distance_from_the_target() -> None:
    assert next_base_fee(800, TARGET + TARGET // 2, LIMIT, 1) == 850
    assert next_base_fee(800, TARGET // 2, LIMIT, 1) == 750


def test_base_fee_never_falls_below_the_floor_and_a_tiny_fee_can_still_rise() -> None:
    assert next_base_fee(105, 0, LIMIT, 100) == 100
    assert next_base_fee(1, TARGET + 1, LIMIT, 1) == 2


@given(st.integers(1, 10**12), st.integers(0, LIMIT))
def test_base_fee_changes_by_at_most_an_eighth(parent: int, gas_used: int) -> None:
    fee = next_base_fee(parent, gas_used, LIMIT, 1)
    assert abs(fee - parent) <= max(parent // 8, 1)
    assert (fee > parent) == (gas_used > TARGET)
