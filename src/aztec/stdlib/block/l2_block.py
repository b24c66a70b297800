"""``L2Block``: a header, the transactions' effects and the archive root after the block.

Its canonical encoding is what the sequencer publishes as L1 calldata and what followers decode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aztec.foundation.fields import Fr
from aztec.stdlib.block.header import BlockHeader, compute_tx_effects_hash
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.codecs import read_tx_effect, write_tx_effect
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.tx.processed_tx import TxEffect


class BlockIntegrityError(ValueError):
    """A block's body does not match its header."""


@dataclass(frozen=True, slots=True)
class L2Block(Serializable):
    header: BlockHeader
    archive_root: Fr
    """Root of the archive tree after this block's hash was appended."""
    body: tuple[TxEffect, ...]

    @property
    def number(self) -> int:
        return self.header.global_variables.block_number

    def hash(self) -> Fr:
        return self.header.hash()

    def check_integrity(self) -> None:
        """The body hashes to the header's commitment, and the totals add up."""
        if compute_tx_effects_hash(self.body) != self.header.tx_effects_hash:
            raise BlockIntegrityError(f"block {self.number}: body does not match the header's tx effects hash")
        if sum(e.fee for e in self.body) != self.header.total_fees:
            raise BlockIntegrityError(f"block {self.number}: fees do not add up to the header's total")
        if sum(e.gas_used for e in self.body) != self.header.total_gas_used:
            raise BlockIntegrityError(f"block {self.number}: gas does not add up to the header's total")

    def write(self, w: Writer) -> None:
        self.header.write(w)
        w.field(self.archive_root)
        w.sequence(self.body, write_tx_effect)

    @classmethod
    def read(cls, r: Reader, what: str) -> L2Block:
        header = BlockHeader.read(r, f"{what}.header")
        archive_root = r.field(f"{what}.archive_root")
        body = r.sequence(f"{what}.body", read_tx_effect)
        return cls(header, archive_root, body)

    def to_json(self) -> dict[str, Any]:
        """A JSON view for the RPC API (field elements as 0x-prefixed hex)."""
        g = self.header.global_variables
        return {
            "number": self.number,
            "hash": _hex(self.hash()),
            "archive": _hex(self.archive_root),
            "previousArchive": _hex(self.header.previous_archive_root),
            "timestamp": g.timestamp,
            "baseFeePerGas": g.base_fee_per_gas,
            "totalFees": self.header.total_fees,
            "totalGasUsed": self.header.total_gas_used,
            "txEffectsHash": _hex(self.header.tx_effects_hash),
            "txs": [
                {
                    "txHash": _hex(e.tx_hash),
                    "reverted": e.reverted,
                    "fee": e.fee,
                    "gasUsed": e.gas_used,
                    "noteHashes": [_hex(x) for x in e.note_hashes],
                    "nullifiers": [_hex(x) for x in e.nullifiers],
                    "publicDataWrites": [{"slot": _hex(w.slot), "value": _hex(w.value)} for w in e.public_data_writes],
                }
                for e in self.body
            ],
        }


def _hex(value: Fr) -> str:
    return f"0x{value:064x}"
