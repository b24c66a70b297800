"""Hypothesis strategies for transactions."""

from __future__ import annotations

from hypothesis import strategies as st

from aztec.foundation.fields import FIELD_MODULUS
from aztec.stdlib.gas.costs import intrinsic_gas
from aztec.stdlib.tx.tx import (
    MAX_ARGS_PER_CALL,
    MAX_CALLS_PER_PHASE,
    MAX_NOTE_HASHES_PER_TX,
    MAX_NULLIFIERS_PER_TX,
    U64_MAX,
    GasSettings,
    PublicCall,
    Tx,
)

fields = st.integers(min_value=0, max_value=FIELD_MODULUS - 1)
u64 = st.integers(min_value=0, max_value=U64_MAX)
function_names = st.from_regex(r"[a-z_][a-z0-9_]{0,63}", fullmatch=True)

public_calls = st.builds(
    PublicCall,
    contract=fields,
    function=function_names,
    args=st.lists(fields, max_size=MAX_ARGS_PER_CALL).map(tuple),
)
phases = st.lists(public_calls, max_size=MAX_CALLS_PER_PHASE).map(tuple)


@st.composite
def txs(draw: st.DrawFn) -> Tx:
    """Any well-formed transaction (signature bytes arbitrary, so usually not a valid signature)."""
    note_hashes = tuple(draw(st.lists(fields, max_size=MAX_NOTE_HASHES_PER_TX)))
    nullifiers = tuple(draw(st.lists(fields, max_size=MAX_NULLIFIERS_PER_TX, unique=True)))
    gas_limit = draw(st.integers(min_value=intrinsic_gas(len(note_hashes) + len(nullifiers)), max_value=U64_MAX))
    return Tx(
        origin=draw(st.binary(min_size=32, max_size=32)),
        nonce=draw(u64),
        gas=GasSettings(max_fee_per_gas=draw(u64), gas_limit=gas_limit),
        note_hashes=note_hashes,
        nullifiers=nullifiers,
        setup=draw(phases),
        app_logic=draw(phases),
        teardown=draw(phases),
        signature=draw(st.binary(min_size=64, max_size=64)),
    )
