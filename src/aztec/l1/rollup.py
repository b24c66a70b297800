"""The rollup contract of the development L1: its calldata, its checks and its state (SQLite tables).

Functions and calldata (a 4-byte selector, then the arguments; selectors are SHA-256 based here, where
Solidity's are Keccak based):

- ``propose(block)``: the :class:`~aztec.stdlib.block.l2_block.L2Block`'s canonical bytes. Accepted when the
  block decodes, passes :meth:`~aztec.stdlib.block.l2_block.L2Block.check_integrity`, is numbered one above the
  last proposed block and builds on the contract's current archive root. Emits :class:`L2BlockProposed`.
- ``submitProof(number, outputs, proof)``: a ``u64`` block number, then the ``u32``-length-prefixed
  :class:`~aztec.stdlib.proofs.root_rollup_public_inputs.RootRollupPublicInputs` bytes, then the ``u32``-length-prefixed
  proof. Accepted for a proposed, not yet proven block when the outputs' previous and new archive roots
  and block hash are the proposed ones and the proof is not empty. The proven block number is the
  highest block up to which every block is proven, so it only moves forward (proofs may arrive out of
  order).

Any failed check reverts with a reason: the L1 transaction is included and charged, its receipt failed.
Proposals are not restricted to a proposer and proofs are not verified cryptographically (the proving
system's placeholder proofs would not verify); a real deployment's contract does both.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from dataclasses import dataclass
from typing import Final

from aztec.foundation.fields import Fr
from aztec.l1.store import execute_script
from aztec.l1.types import L2BlockProposed
from aztec.stdlib.block.l2_block import BlockIntegrityError, L2Block
from aztec.stdlib.encoding.canonical import EncodingError
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs


def _selector(signature: str) -> bytes:
    return hashlib.sha256(signature.encode()).digest()[:4]


PROPOSE_SELECTOR: Final = _selector("propose(bytes)")
SUBMIT_PROOF_SELECTOR: Final = _selector("submitProof(uint64,bytes,bytes)")
PROPOSE_EXECUTION_GAS: Final = 100_000
"""Fixed execution cost of ``propose`` (storage writes, the event), on top of base and calldata gas."""
SUBMIT_PROOF_EXECUTION_GAS: Final = 350_000
"""Fixed execution cost of ``submitProof`` (a proof verification costs a few hundred thousand gas)."""
UNKNOWN_CALL_EXECUTION_GAS: Final = 30_000
"""What a call to an unknown function costs before it reverts."""

_PROOF_HEADER = struct.Struct(">Q")
_LENGTH = struct.Struct(">I")


class RollupRevertError(Exception):
    """A rollup call failed; ``reason`` is the revert reason on the receipt."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RollupCalldataError(ValueError):
    """Calldata that is not a well-formed call of the rollup contract."""


@dataclass(frozen=True, slots=True)
class ProposeCall:
    block: L2Block


@dataclass(frozen=True, slots=True)
class SubmitProofCall:
    block_number: int
    outputs: RootRollupPublicInputs
    proof: bytes


def encode_propose(block: L2Block) -> bytes:
    return PROPOSE_SELECTOR + block.to_bytes()


def encode_submit_proof(block_number: int, outputs: RootRollupPublicInputs, proof: bytes) -> bytes:
    outputs_bytes = outputs.to_bytes()
    return b"".join(
        (
            SUBMIT_PROOF_SELECTOR,
            _PROOF_HEADER.pack(block_number),
            _LENGTH.pack(len(outputs_bytes)),
            outputs_bytes,
            _LENGTH.pack(len(proof)),
            proof,
        )
    )


def execution_gas(data: bytes) -> int:
    """The fixed execution cost of the call ``data`` makes."""
    selector = data[:4]
    if selector == PROPOSE_SELECTOR:
        return PROPOSE_EXECUTION_GAS
    if selector == SUBMIT_PROOF_SELECTOR:
        return SUBMIT_PROOF_EXECUTION_GAS
    return UNKNOWN_CALL_EXECUTION_GAS


def decode_propose(data: bytes) -> L2Block:
    """The block a ``propose`` transaction carries (what an archiver reads from the tx's calldata)."""
    call = decode_call(data)
    if not isinstance(call, ProposeCall):
        raise RollupCalldataError("calldata is a submitProof call, not propose")
    return call.block


def decode_call(data: bytes) -> ProposeCall | SubmitProofCall:
    """Raises :class:`RollupCalldataError` naming what is wrong."""
    selector, args = data[:4], data[4:]
    try:
        if selector == PROPOSE_SELECTOR:
            return ProposeCall(L2Block.from_bytes(args))
        if selector == SUBMIT_PROOF_SELECTOR:
            return _decode_submit_proof(args)
    except EncodingError as error:
        raise RollupCalldataError(f"undecodable arguments: {error}") from None
    raise RollupCalldataError(f"unknown function selector 0x{selector.hex()}")


def _decode_submit_proof(args: bytes) -> SubmitProofCall:
    def take(offset: int, size: int, what: str) -> bytes:
        if offset + size > len(args):
            raise RollupCalldataError(f"submitProof: {what} needs {size} bytes at offset {offset}, calldata ends")
        return args[offset : offset + size]

    (block_number,) = _PROOF_HEADER.unpack(take(0, _PROOF_HEADER.size, "block number"))
    offset = _PROOF_HEADER.size
    (outputs_length,) = _LENGTH.unpack(take(offset, _LENGTH.size, "outputs length"))
    offset += _LENGTH.size
    outputs = RootRollupPublicInputs.from_bytes(take(offset, outputs_length, "outputs"))
    offset += outputs_length
    (proof_length,) = _LENGTH.unpack(take(offset, _LENGTH.size, "proof length"))
    offset += _LENGTH.size
    proof = take(offset, proof_length, "proof")
    if offset + proof_length != len(args):
        raise RollupCalldataError(f"submitProof: {len(args) - offset - proof_length} trailing bytes")
    return SubmitProofCall(block_number, outputs, proof)


SCHEMA: Final = """
CREATE TABLE rollup_blocks (
    number INTEGER PRIMARY KEY,
    archive_root TEXT NOT NULL,
    block_hash TEXT NOT NULL,
    l1_block INTEGER NOT NULL,
    l1_tx_hash TEXT NOT NULL,
    proven INTEGER NOT NULL
);
CREATE INDEX rollup_blocks_by_l1_block ON rollup_blocks (l1_block);
CREATE TABLE rollup_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
_PROVEN: Final = "proven_block_number"


def _hex(value: Fr) -> str:
    return f"0x{value:064x}"


class RollupState:
    """The contract's storage, read and written through the chain's connection (in its transactions)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @staticmethod
    def create(conn: sqlite3.Connection, genesis_archive_root: Fr) -> None:
        """The tables, with block 0 (the L2 genesis: its archive root, no hash, proven)."""
        execute_script(conn, SCHEMA)
        conn.execute(
            "INSERT INTO rollup_blocks VALUES (0, ?, ?, 0, ?, 1)",
            (_hex(genesis_archive_root), _hex(0), "0x" + "00" * 32),
        )
        conn.execute("INSERT INTO rollup_state VALUES (?, 0)", (_PROVEN,))

    def pending_block_number(self) -> int:
        row = self._conn.execute("SELECT MAX(number) FROM rollup_blocks").fetchone()
        return int(row[0])

    def proven_block_number(self) -> int:
        row = self._conn.execute("SELECT value FROM rollup_state WHERE key = ?", (_PROVEN,)).fetchone()
        return int(row[0])

    def archive_root_at(self, number: int) -> Fr | None:
        row = self._conn.execute("SELECT archive_root FROM rollup_blocks WHERE number = ?", (number,)).fetchone()
        return None if row is None else int(row[0], 16)

    def archive_root(self) -> Fr:
        root = self.archive_root_at(self.pending_block_number())
        assert root is not None
        return root

    def proposed_events(self, from_l1_block: int, to_l1_block: int) -> list[L2BlockProposed]:
        rows = self._conn.execute(
            "SELECT number, archive_root, block_hash, l1_block, l1_tx_hash FROM rollup_blocks "
            "WHERE number > 0 AND l1_block BETWEEN ? AND ? ORDER BY number",
            (from_l1_block, to_l1_block),
        ).fetchall()
        return [L2BlockProposed(int(n), int(root, 16), int(h, 16), int(l1), tx) for n, root, h, l1, tx in rows]

    def execute(self, data: bytes, l1_block: int, tx_hash: str) -> None:
        """Run one call; raises :class:`RollupRevertError` (the caller rolls back what it wrote)."""
        try:
            call = decode_call(data)
        except RollupCalldataError as error:
            raise RollupRevertError(str(error)) from None
        if isinstance(call, ProposeCall):
            self._propose(call.block, l1_block, tx_hash)
        else:
            self._submit_proof(call)

    def _propose(self, block: L2Block, l1_block: int, tx_hash: str) -> None:
        try:
            block.check_integrity()
        except BlockIntegrityError as error:
            raise RollupRevertError(f"propose: {error}") from None
        pending = self.pending_block_number()
        if block.number != pending + 1:
            raise RollupRevertError(f"propose: block number {block.number}, expected {pending + 1}")
        current = self.archive_root()
        if block.header.previous_archive_root != current:
            raise RollupRevertError(
                f"propose: block {block.number} builds on archive root {_hex(block.header.previous_archive_root)}, "
                f"the current archive root is {_hex(current)}"
            )
        self._conn.execute(
            "INSERT INTO rollup_blocks VALUES (?, ?, ?, ?, ?, 0)",
            (block.number, _hex(block.archive_root), _hex(block.hash()), l1_block, tx_hash),
        )

    def _submit_proof(self, call: SubmitProofCall) -> None:
        number, outputs = call.block_number, call.outputs
        where = f"submitProof: block {number}"
        row = self._conn.execute(
            "SELECT archive_root, block_hash, proven FROM rollup_blocks WHERE number = ?", (number,)
        ).fetchone()
        if number == 0 or row is None:
            raise RollupRevertError(f"{where} was not proposed")
        archive_root, block_hash, proven = int(row[0], 16), int(row[1], 16), bool(row[2])
        if proven:
            raise RollupRevertError(f"{where} is already proven")
        proven_number = outputs.header.global_variables.block_number
        if proven_number != number:
            raise RollupRevertError(f"{where}: the outputs are those of block {proven_number}")
        if outputs.previous_archive.root != self.archive_root_at(number - 1):
            raise RollupRevertError(f"{where}: previous archive root does not match the proposed chain's")
        if outputs.end_archive.root != archive_root:
            raise RollupRevertError(f"{where}: archive root does not match the proposed block's")
        if outputs.block_hash != block_hash or outputs.header.hash() != block_hash:
            raise RollupRevertError(f"{where}: block hash does not match the proposed block's")
        if not call.proof:
            raise RollupRevertError(f"{where}: empty proof")
        self._conn.execute("UPDATE rollup_blocks SET proven = 1 WHERE number = ?", (number,))
        self._advance_proven()

    def _advance_proven(self) -> None:
        proven = self.proven_block_number()
        while True:
            row = self._conn.execute("SELECT proven FROM rollup_blocks WHERE number = ?", (proven + 1,)).fetchone()
            if row is None or not row[0]:
                break
            proven += 1
        self._conn.execute("UPDATE rollup_state SET value = ? WHERE key = ?", (proven, _PROVEN))
