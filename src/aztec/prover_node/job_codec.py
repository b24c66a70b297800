"""The canonical encoding of a block's proving input, so a prover can pick it up again after a restart."""

from __future__ import annotations

from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.encoding.canonical import Reader, Writer, decode
from aztec.stdlib.encoding.codecs import (
    read_append_witness,
    read_insertion_witnesses,
    read_phase,
    read_snapshot,
    read_tx_effect,
    write_append_witness,
    write_insertion_witnesses,
    write_phase,
    write_snapshot,
    write_tx_effect,
)
from aztec.stdlib.tx.processed_tx import ProcessedTx


def _write_tx(w: Writer, tx: ProcessedTx) -> None:
    w.blob(tx.tx_bytes)
    write_tx_effect(w, tx.effect)
    w.sequence(tx.phases, write_phase)
    write_insertion_witnesses(w, tx.witnesses)


def _read_tx(r: Reader, what: str) -> ProcessedTx:
    return ProcessedTx(
        tx_bytes=r.blob(f"{what}.tx_bytes"),
        effect=read_tx_effect(r, f"{what}.effect"),
        phases=r.sequence(f"{what}.phases", read_phase),
        witnesses=read_insertion_witnesses(r, f"{what}.witnesses"),
    )


def encode_proving_input(job: BlockProvingInput) -> bytes:
    w = Writer()
    job.header.write(w)
    w.sequence(job.txs, _write_tx)
    write_snapshot(w, job.previous_archive)
    write_append_witness(w, job.archive_witness)
    w.fields(job.l1_to_l2_messages)
    return w.getvalue()


def _read(r: Reader, what: str) -> BlockProvingInput:
    return BlockProvingInput(
        header=BlockHeader.read(r, f"{what}.header"),
        txs=r.sequence(f"{what}.txs", _read_tx),
        previous_archive=read_snapshot(r, f"{what}.previous_archive"),
        archive_witness=read_append_witness(r, f"{what}.archive_witness"),
        l1_to_l2_messages=r.fields(f"{what}.l1_to_l2_messages"),
    )


def decode_proving_input(data: bytes) -> BlockProvingInput:
    return decode(data, _read, "BlockProvingInput")
