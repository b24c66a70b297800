"""The canonical encoding: round trips of every circuit's inputs and outputs, and clear errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aztec.circuits.errors import CircuitInputError
from aztec.circuits.parity import BaseParityInputs
from aztec.circuits.registry import CIRCUITS, simulate_circuit
from aztec.foundation.fields import FIELD_MODULUS
from aztec.stdlib.encoding.canonical import EncodingError, Reader, Writer
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import CircuitName
from tests.circuits.strategies import CIRCUIT_INPUTS, CIRCUIT_OUTPUTS


@pytest.mark.parametrize("circuit", list(CIRCUIT_INPUTS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_circuit_inputs_round_trip(circuit: CircuitName, data: st.DataObject) -> None:
    value = data.draw(CIRCUIT_INPUTS[circuit])
    encoded = value.to_bytes()
    assert type(value).from_bytes(encoded) == value
    assert CIRCUITS[circuit].decode_inputs(encoded) == value


@pytest.mark.parametrize("strategy", CIRCUIT_OUTPUTS, ids=lambda s: repr(s)[:40])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_circuit_outputs_round_trip(strategy: st.SearchStrategy[Serializable], data: st.DataObject) -> None:
    value = data.draw(strategy)
    assert type(value).from_bytes(value.to_bytes()) == value


@pytest.mark.parametrize("circuit", list(CircuitName))
@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "needs"),
        (b"\x00\x01", "needs"),
        (b"\xff" * 64, ""),
    ],
)
def test_malformed_inputs_raise_an_input_error_naming_the_circuit(
    circuit: CircuitName, data: bytes, problem: str
) -> None:
    with pytest.raises(CircuitInputError) as caught:
        simulate_circuit(circuit, data)
    assert caught.value.circuit is circuit
    assert str(caught.value).startswith(f"{circuit}: malformed ")
    assert problem in str(caught.value)


def test_trailing_bytes_are_refused() -> None:
    inputs = BaseParityInputs(tuple(range(16))).to_bytes()
    with pytest.raises(CircuitInputError, match=r"base-parity: malformed BaseParityInputs: 1 trailing bytes"):
        simulate_circuit(CircuitName.BASE_PARITY, inputs + b"\x00")


def test_errors_say_where_and_what() -> None:
    writer = Writer()
    writer.u32(2)
    writer.field(5)
    writer.u8(1)
    with pytest.raises(EncodingError, match=r"messages\[1\]: needs 32 bytes at offset 36, only 1 left"):
        Reader(writer.getvalue()).fields("messages")
    not_a_field = FIELD_MODULUS.to_bytes(32, "big")
    with pytest.raises(EncodingError, match="root: value at offset 0 is not a field element"):
        Reader(not_a_field).field("root")
    with pytest.raises(EncodingError, match="reverted: byte at offset 0 is 2, a bool must be 0 or 1"):
        Reader(b"\x02").boolean("reverted")
    with pytest.raises(EncodingError, match="length 5 at offset 0 exceeds the maximum of 4"):
        Reader((5).to_bytes(4, "big")).fields("children", 4)
    with pytest.raises(EncodingError, match="not UTF-8"):
        Reader((1).to_bytes(4, "big") + b"\xff").text("reason")


def test_writing_out_of_range_values_is_refused() -> None:
    writer = Writer()
    with pytest.raises(EncodingError, match="is not a field element"):
        writer.field(FIELD_MODULUS)
    with pytest.raises(EncodingError, match="does not fit in an unsigned 64-bit integer"):
        writer.u64(2**64)
    with pytest.raises(EncodingError, match="expected bytes, got str"):
        Reader("abc")  # type: ignore[arg-type]
