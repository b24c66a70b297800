"""The L1: the development chain that stands in for Ethereum, the client protocol, and the publisher.

**The development L1 is not Ethereum.** :class:`DevL1Chain` is an embedded chain in one SQLite file, so
that a node, its followers and the sandbox run with no external L1. It keeps Ethereum's economics where
the node's metrics depend on them (accounts and balances, gas for calldata at 16/4 per byte plus 21,000
per transaction and a fixed cost per contract call, an EIP-1559 base fee that moves with demand, failed
calls that still pay for their gas) and its rollup contract checks proposals and proofs as
:mod:`aztec.l1.rollup` describes. It has no signatures, tips, reorgs, EVM or proof verification.

**Where a real L1 plugs in.** The sequencer's :class:`L1Publisher` and the archiver talk to the L1 only
through the :class:`L1Client` protocol (:mod:`aztec.l1.client`). An Ethereum client would implement that
protocol over JSON-RPC, signing with the publisher's key, against the deployed rollup contract, and be
passed where a ``DevL1Chain`` is passed today; nothing else changes.
"""

from aztec.l1.client import L1Client, wait_for_receipt
from aztec.l1.dev_chain import (
    DEV_CHAIN_ID,
    DEV_PROVER_ADDRESS,
    DEV_PUBLISHER_ADDRESS,
    DEV_ROLLUP_ADDRESS,
    DevL1Chain,
    DevL1Config,
)
from aztec.l1.errors import (
    ChainClosedError,
    ChainMismatchError,
    InsufficientFundsError,
    InvalidTransactionError,
    L1Error,
    L1TimeoutError,
)
from aztec.l1.publisher import L1Publisher, PublishResult
from aztec.l1.rollup import decode_propose
from aztec.l1.types import L1Block, L1Transaction, L1TxRequest, L2BlockProposed, TxReceipt, TxStatus

__all__ = [
    "DEV_CHAIN_ID",
    "DEV_PROVER_ADDRESS",
    "DEV_PUBLISHER_ADDRESS",
    "DEV_ROLLUP_ADDRESS",
    "ChainClosedError",
    "ChainMismatchError",
    "DevL1Chain",
    "DevL1Config",
    "InsufficientFundsError",
    "InvalidTransactionError",
    "L1Block",
    "L1Client",
    "L1Error",
    "L1Publisher",
    "L1TimeoutError",
    "L1Transaction",
    "L1TxRequest",
    "L2BlockProposed",
    "PublishResult",
    "TxReceipt",
    "TxStatus",
    "decode_propose",
    "wait_for_receipt",
]
