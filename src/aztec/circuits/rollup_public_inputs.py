"""The public outputs shared by the base and merge rollup circuits."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from aztec.foundation.fields import Fr
from aztec.stdlib.encoding.canonical import EncodingError, Reader, Writer
from aztec.stdlib.encoding.codecs import read_global_variables, read_state, write_global_variables, write_state
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.trees import StateReference
from aztec.stdlib.tx.global_variables import GlobalVariables


class RollupType(enum.IntEnum):
    BASE = 0
    MERGE = 1


@dataclass(frozen=True, slots=True)
class BaseOrMergeRollupPublicInputs(Serializable):
    """A proven run of consecutive transactions: the state they start from and end at, and their totals."""

    rollup_type: RollupType
    num_txs: int
    constants: GlobalVariables
    start: StateReference
    end: StateReference
    tx_effects_hash: Fr
    """Root of the rollup-shaped tree over the effect hashes of these transactions."""
    fees: int
    gas_used: int

    def write(self, w: Writer) -> None:
        w.u8(self.rollup_type)
        w.u32(self.num_txs)
        write_global_variables(w, self.constants)
        write_state(w, self.start)
        write_state(w, self.end)
        w.field(self.tx_effects_hash)
        w.field(self.fees)
        w.u64(self.gas_used)

    @classmethod
    def read(cls, r: Reader, what: str) -> BaseOrMergeRollupPublicInputs:
        code = r.u8(f"{what}.rollup_type")
        if code not in RollupType._value2member_map_:
            raise EncodingError(f"{what}.rollup_type: unknown rollup type {code}")
        return cls(
            rollup_type=RollupType(code),
            num_txs=r.u32(f"{what}.num_txs"),
            constants=read_global_variables(r, f"{what}.constants"),
            start=read_state(r, f"{what}.start"),
            end=read_state(r, f"{what}.end"),
            tx_effects_hash=r.field(f"{what}.tx_effects_hash"),
            fees=r.field(f"{what}.fees"),
            gas_used=r.u64(f"{what}.gas_used"),
        )
