"""The public kernel tail: checks the accumulated public execution against the transaction's effect.

Checks that the effect belongs to the accumulated transaction, that its gas and revert flag are the
accumulated ones (the gas covering the intrinsic gas of its side effects), that its public writes are the
accumulated ones squashed per slot (the last value, at the position of the slot's first write), and that
its side effects are within the protocol limits: at least one nullifier (the transaction's own comes
first), no zero or repeated nullifier or note hash. Its public
outputs are the effect and the effect's hash, which the base rollup inserts into the trees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aztec.circuits.errors import CircuitConstraintError
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs
from aztec.foundation.fields import Fr
from aztec.stdlib.constants import MAX_NOTE_HASHES_PER_TX, MAX_NULLIFIERS_PER_TX
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.codecs import read_tx_effect, write_tx_effect
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.gas.costs import intrinsic_gas
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.tx.processed_tx import PublicDataWrite, TxEffect

CIRCUIT = CircuitName.PUBLIC_KERNEL_TAIL


@dataclass(frozen=True, slots=True)
class PublicKernelTailInputs(Serializable):
    previous: PublicKernelCircuitPublicInputs
    effect: TxEffect

    def write(self, w: Writer) -> None:
        self.previous.write(w)
        write_tx_effect(w, self.effect)

    @classmethod
    def read(cls, r: Reader, what: str) -> PublicKernelTailInputs:
        return cls(
            previous=PublicKernelCircuitPublicInputs.read(r, f"{what}.previous"),
            effect=read_tx_effect(r, f"{what}.effect"),
        )


@dataclass(frozen=True, slots=True)
class PublicKernelTailPublicInputs(Serializable):
    effect: TxEffect
    effect_hash: Fr

    def write(self, w: Writer) -> None:
        write_tx_effect(w, self.effect)
        w.field(self.effect_hash)

    @classmethod
    def read(cls, r: Reader, what: str) -> PublicKernelTailPublicInputs:
        return cls(effect=read_tx_effect(r, f"{what}.effect"), effect_hash=r.field(f"{what}.effect_hash"))


def squash_public_writes(writes: Sequence[PublicDataWrite]) -> tuple[PublicDataWrite, ...]:
    """One write per slot: the last value, at the position of the slot's first write."""
    merged: dict[Fr, Fr] = {}
    for write in writes:
        merged[write.slot] = write.value
    return tuple(PublicDataWrite(slot, value) for slot, value in merged.items())


def _check_distinct(values: Sequence[Fr], kind: str, plural: str, limit: int) -> None:
    if len(values) > limit:
        raise CircuitConstraintError(CIRCUIT, f"{len(values)} {plural}, at most {limit} per transaction")
    seen: set[Fr] = set()
    for i, value in enumerate(values):
        if value == 0:
            raise CircuitConstraintError(CIRCUIT, f"{kind} {i} is zero")
        if value in seen:
            raise CircuitConstraintError(CIRCUIT, f"{kind} {i} ({value:#x}) repeats an earlier one")
        seen.add(value)


def simulate_public_kernel_tail(inputs: PublicKernelTailInputs) -> PublicKernelTailPublicInputs:
    previous, effect = inputs.previous, inputs.effect
    if effect.tx_hash != previous.tx_hash:
        raise CircuitConstraintError(
            CIRCUIT, f"effect of tx {effect.tx_hash:#x} given to the kernel of tx {previous.tx_hash:#x}"
        )
    if effect.gas_used != previous.gas_used:
        raise CircuitConstraintError(
            CIRCUIT, f"effect says {effect.gas_used} gas used, the public phases used {previous.gas_used}"
        )
    if effect.reverted != previous.reverted:
        raise CircuitConstraintError(
            CIRCUIT, f"effect says reverted={effect.reverted}, the public phases say reverted={previous.reverted}"
        )
    squashed = squash_public_writes(previous.public_writes)
    if effect.public_data_writes != squashed:
        raise CircuitConstraintError(
            CIRCUIT,
            f"effect's {len(effect.public_data_writes)} public writes differ from the "
            f"{len(squashed)} the public phases kept (squashed per slot)",
        )
    if not effect.nullifiers:
        raise CircuitConstraintError(CIRCUIT, "effect has no nullifier (the transaction's own must come first)")
    _check_distinct(effect.nullifiers, "nullifier", "nullifiers", MAX_NULLIFIERS_PER_TX)
    _check_distinct(effect.note_hashes, "note hash", "note hashes", MAX_NOTE_HASHES_PER_TX)
    minimum = intrinsic_gas(len(effect.note_hashes) + len(effect.nullifiers) - 1)
    if effect.gas_used < minimum:
        raise CircuitConstraintError(CIRCUIT, f"gas used {effect.gas_used} is below the intrinsic gas {minimum}")
    return PublicKernelTailPublicInputs(effect=effect, effect_hash=effect.hash())
