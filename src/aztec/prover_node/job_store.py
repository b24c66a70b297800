"""Proving inputs of published, not yet proven blocks, persisted in LMDB until their proof lands on L1."""

from __future__ import annotations

import struct
from pathlib import Path

import lmdb

from aztec.prover_node.job_codec import decode_proving_input, encode_proving_input
from aztec.stdlib.block.proving_input import BlockProvingInput

_U64 = struct.Struct(">Q")


class ProvingJobStore:
    def __init__(self, path: Path, map_size: int = 1 << 32) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._env = lmdb.open(str(path), map_size=map_size, subdir=True)

    def put(self, job: BlockProvingInput) -> None:
        number = job.header.global_variables.block_number
        with self._env.begin(write=True) as txn:
            txn.put(_U64.pack(number), encode_proving_input(job))

    def delete(self, block_number: int) -> None:
        with self._env.begin(write=True) as txn:
            txn.delete(_U64.pack(block_number))

    def pending(self) -> list[BlockProvingInput]:
        """Every stored job, by block number."""
        with self._env.begin() as txn:
            return [decode_proving_input(bytes(value)) for _, value in txn.cursor()]

    def close(self) -> None:
        self._env.close()
