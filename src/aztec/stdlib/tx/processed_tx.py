"""What the public processor hands to the sequencer and the prover for each transaction it processed."""

from __future__ import annotations

from dataclasses import dataclass

from aztec.foundation.fields import Fr, hash_fields
from aztec.stdlib.trees import AppendWitness, IndexedInsertWitness, StateReference


@dataclass(frozen=True, slots=True)
class PublicDataWrite:
    slot: Fr
    value: Fr


@dataclass(frozen=True, slots=True)
class TxEffect:
    """The side effects a transaction leaves in the state, as published in a block body."""

    tx_hash: Fr
    reverted: bool
    fee: int
    gas_used: int
    note_hashes: tuple[Fr, ...]
    nullifiers: tuple[Fr, ...]
    """The first nullifier is always the transaction's own (from its origin and nonce)."""
    public_data_writes: tuple[PublicDataWrite, ...]

    def hash(self) -> Fr:
        return hash_fields(
            (
                self.tx_hash,
                int(self.reverted),
                self.fee,
                self.gas_used,
                len(self.note_hashes),
                *self.note_hashes,
                len(self.nullifiers),
                *self.nullifiers,
                len(self.public_data_writes),
                *(f for w in self.public_data_writes for f in (w.slot, w.value)),
            )
        )


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """One public execution phase of a transaction, as the public kernel circuit for it sees it."""

    phase: str
    """setup, app_logic or teardown."""
    calls: int
    gas_used: int
    reverted: bool
    public_reads: tuple[tuple[Fr, Fr], ...]
    """(slot, value) pairs read, in order."""
    public_writes: tuple[PublicDataWrite, ...]
    """Writes kept by this phase (empty when it reverted, or when a teardown revert discarded them)."""
    revert_reason: str | None = None
    """Why the phase reverted (None when it did not)."""


@dataclass(frozen=True, slots=True)
class TxInsertionWitnesses:
    """How the transaction's effects entered the trees, for the base rollup circuit."""

    start_state: StateReference
    end_state: StateReference
    note_hashes: tuple[AppendWitness, ...]
    nullifiers: tuple[IndexedInsertWitness, ...]
    public_data: tuple[IndexedInsertWitness, ...]


@dataclass(frozen=True, slots=True)
class ProcessedTx:
    tx_bytes: bytes
    """The transaction's canonical encoding."""
    effect: TxEffect
    phases: tuple[PhaseResult, ...]
    witnesses: TxInsertionWitnesses
