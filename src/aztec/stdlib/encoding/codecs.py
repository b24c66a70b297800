"""Canonical encodings of the world-state and processed-tx types that circuit inputs carry."""

from __future__ import annotations

from aztec.stdlib.encoding.canonical import EncodingError, Reader, Writer
from aztec.stdlib.trees import (
    AppendWitness,
    IndexedInsertWitness,
    IndexedLeaf,
    LowLeafWitness,
    SiblingPath,
    StateReference,
    TreeSnapshot,
)
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.processed_tx import PhaseResult, PublicDataWrite, TxEffect, TxInsertionWitnesses

MAX_TREE_DEPTH = 64
MAX_EFFECTS_PER_TX = 1024
"""Decoding bound on the note hashes, nullifiers and public writes of one transaction."""
PHASES = ("setup", "app_logic", "teardown")


def write_snapshot(w: Writer, s: TreeSnapshot) -> None:
    w.field(s.root)
    w.u64(s.size)


def read_snapshot(r: Reader, what: str) -> TreeSnapshot:
    return TreeSnapshot(root=r.field(f"{what}.root"), size=r.u64(f"{what}.size"))


def write_state(w: Writer, s: StateReference) -> None:
    write_snapshot(w, s.note_hash)
    write_snapshot(w, s.nullifier)
    write_snapshot(w, s.public_data)


def read_state(r: Reader, what: str) -> StateReference:
    return StateReference(
        note_hash=read_snapshot(r, f"{what}.note_hash"),
        nullifier=read_snapshot(r, f"{what}.nullifier"),
        public_data=read_snapshot(r, f"{what}.public_data"),
    )


def write_path(w: Writer, p: SiblingPath) -> None:
    w.fields(p.siblings)


def read_path(r: Reader, what: str) -> SiblingPath:
    return SiblingPath(r.fields(what, MAX_TREE_DEPTH))


def write_append_witness(w: Writer, a: AppendWitness) -> None:
    w.u64(a.index)
    write_path(w, a.path)


def read_append_witness(r: Reader, what: str) -> AppendWitness:
    return AppendWitness(index=r.u64(f"{what}.index"), path=read_path(r, f"{what}.path"))


def write_indexed_leaf(w: Writer, leaf: IndexedLeaf) -> None:
    w.field(leaf.key)
    w.field(leaf.value)
    w.u64(leaf.next_index)
    w.field(leaf.next_key)


def read_indexed_leaf(r: Reader, what: str) -> IndexedLeaf:
    return IndexedLeaf(
        key=r.field(f"{what}.key"),
        value=r.field(f"{what}.value"),
        next_index=r.u64(f"{what}.next_index"),
        next_key=r.field(f"{what}.next_key"),
    )


def write_low_leaf(w: Writer, low: LowLeafWitness) -> None:
    write_indexed_leaf(w, low.leaf)
    w.u64(low.index)
    write_path(w, low.path)


def read_low_leaf(r: Reader, what: str) -> LowLeafWitness:
    return LowLeafWitness(
        leaf=read_indexed_leaf(r, f"{what}.leaf"), index=r.u64(f"{what}.index"), path=read_path(r, f"{what}.path")
    )


def write_insert_witness(w: Writer, iw: IndexedInsertWitness) -> None:
    w.field(iw.key)
    w.field(iw.value)
    write_low_leaf(w, iw.low_leaf)
    w.optional(iw.new_index, Writer.u64)
    w.optional(iw.new_leaf_path, write_path)


def read_insert_witness(r: Reader, what: str) -> IndexedInsertWitness:
    return IndexedInsertWitness(
        key=r.field(f"{what}.key"),
        value=r.field(f"{what}.value"),
        low_leaf=read_low_leaf(r, f"{what}.low_leaf"),
        new_index=r.optional(f"{what}.new_index", Reader.u64),
        new_leaf_path=r.optional(f"{what}.new_leaf_path", read_path),
    )


def write_public_write(w: Writer, pw: PublicDataWrite) -> None:
    w.field(pw.slot)
    w.field(pw.value)


def read_public_write(r: Reader, what: str) -> PublicDataWrite:
    return PublicDataWrite(slot=r.field(f"{what}.slot"), value=r.field(f"{what}.value"))


def write_tx_effect(w: Writer, e: TxEffect) -> None:
    w.field(e.tx_hash)
    w.boolean(e.reverted)
    w.field(e.fee)
    w.u64(e.gas_used)
    w.fields(e.note_hashes)
    w.fields(e.nullifiers)
    w.sequence(e.public_data_writes, write_public_write)


def read_tx_effect(r: Reader, what: str) -> TxEffect:
    return TxEffect(
        tx_hash=r.field(f"{what}.tx_hash"),
        reverted=r.boolean(f"{what}.reverted"),
        fee=r.field(f"{what}.fee"),
        gas_used=r.u64(f"{what}.gas_used"),
        note_hashes=r.fields(f"{what}.note_hashes", MAX_EFFECTS_PER_TX),
        nullifiers=r.fields(f"{what}.nullifiers", MAX_EFFECTS_PER_TX),
        public_data_writes=r.sequence(f"{what}.public_data_writes", read_public_write, MAX_EFFECTS_PER_TX),
    )


def _write_read(w: Writer, read: tuple[int, int]) -> None:
    w.field(read[0])
    w.field(read[1])


def _read_read(r: Reader, what: str) -> tuple[int, int]:
    return (r.field(f"{what}.slot"), r.field(f"{what}.value"))


def write_phase(w: Writer, p: PhaseResult) -> None:
    if p.phase not in PHASES:
        raise EncodingError(f"unknown phase {p.phase!r}, expected one of {', '.join(PHASES)}")
    w.u8(PHASES.index(p.phase))
    w.u32(p.calls)
    w.u64(p.gas_used)
    w.boolean(p.reverted)
    w.sequence(p.public_reads, _write_read)
    w.sequence(p.public_writes, write_public_write)
    w.optional(p.revert_reason, Writer.text)


def read_phase(r: Reader, what: str) -> PhaseResult:
    code = r.u8(f"{what}.phase")
    if code >= len(PHASES):
        raise EncodingError(f"{what}.phase: unknown phase code {code}")
    return PhaseResult(
        phase=PHASES[code],
        calls=r.u32(f"{what}.calls"),
        gas_used=r.u64(f"{what}.gas_used"),
        reverted=r.boolean(f"{what}.reverted"),
        public_reads=r.sequence(f"{what}.public_reads", _read_read),
        public_writes=r.sequence(f"{what}.public_writes", read_public_write, MAX_EFFECTS_PER_TX),
        revert_reason=r.optional(f"{what}.revert_reason", Reader.text),
    )


def write_insertion_witnesses(w: Writer, t: TxInsertionWitnesses) -> None:
    write_state(w, t.start_state)
    write_state(w, t.end_state)
    w.sequence(t.note_hashes, write_append_witness)
    w.sequence(t.nullifiers, write_insert_witness)
    w.sequence(t.public_data, write_insert_witness)


def read_insertion_witnesses(r: Reader, what: str) -> TxInsertionWitnesses:
    return TxInsertionWitnesses(
        start_state=read_state(r, f"{what}.start_state"),
        end_state=read_state(r, f"{what}.end_state"),
        note_hashes=r.sequence(f"{what}.note_hashes", read_append_witness, MAX_EFFECTS_PER_TX),
        nullifiers=r.sequence(f"{what}.nullifiers", read_insert_witness, MAX_EFFECTS_PER_TX),
        public_data=r.sequence(f"{what}.public_data", read_insert_witness, MAX_EFFECTS_PER_TX),
    )


def write_global_variables(w: Writer, g: GlobalVariables) -> None:
    w.u64(g.block_number)
    w.u64(g.timestamp)
    w.u64(g.base_fee_per_gas)


def read_global_variables(r: Reader, what: str) -> GlobalVariables:
    return GlobalVariables(
        block_number=r.u64(f"{what}.block_number"),
        timestamp=r.u64(f"{what}.timestamp"),
        base_fee_per_gas=r.u64(f"{what}.base_fee_per_gas"),
    )
