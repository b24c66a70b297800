"""The transaction pool's settings (:class:`aztec.p2p.config.TxPoolConfig`)."""

from __future__ import annotations

from typing import Final

from aztec.foundation.settings import IntSetting

TX_POOL_SIZE: Final = IntSetting(
    key="tx_pool_size",
    flag="--tx-pool-size",
    variable="AZTEC_TX_POOL_MAX_TXS",
    default=10_000,
    minimum=1,
    maximum=10_000_000,
    metavar="N",
    help="Max pending txs.",
    accepted_doc="with `--sequencer` at least one full block (`--max-txs`)",
)
