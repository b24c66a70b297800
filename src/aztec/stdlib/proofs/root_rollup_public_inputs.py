"""The root rollup circuit's public outputs: what a block's proof proves, and what L1 checks it against."""

from __future__ import annotations

from dataclasses import dataclass

from aztec.foundation.fields import Fr
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.codecs import read_snapshot, write_snapshot
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.trees import TreeSnapshot


@dataclass(frozen=True, slots=True)
class RootRollupPublicInputs(Serializable):
    previous_archive: TreeSnapshot
    end_archive: TreeSnapshot
    header: BlockHeader
    block_hash: Fr

    def write(self, w: Writer) -> None:
        write_snapshot(w, self.previous_archive)
        write_snapshot(w, self.end_archive)
        self.header.write(w)
        w.field(self.block_hash)

    @classmethod
    def read(cls, r: Reader, what: str) -> RootRollupPublicInputs:
        return cls(
            previous_archive=read_snapshot(r, f"{what}.previous_archive"),
            end_archive=read_snapshot(r, f"{what}.end_archive"),
            header=BlockHeader.read(r, f"{what}.header"),
            block_hash=r.field(f"{what}.block_hash"),
        )
