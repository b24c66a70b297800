"""Fetches a block's full txs from a node: L1 carries only their effects, and proving needs the txs.

A fetch that fails is one :class:`TxFetchError` with a bounded ``error.type`` (:data:`FETCH_ERROR_TYPES`),
counted in ``aztec.prover_node.tx_fetch_failures``; the operator gets one warning per run of failures
(naming the node's URL and the reason, again only when the reason changes) and one line when fetching
works again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final, Protocol

from aztec.foundation.fields import Fr
from aztec.foundation.json_rpc import JsonRpcError, JsonRpcTransportError
from aztec.foundation.json_rpc.failures import ERROR_TYPES, classify
from aztec.prover_node.instrumentation import StandaloneProverInstrumentation
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.tx.tx import Tx

_log = logging.getLogger(__name__)

FETCH_ERROR_TYPES: Final = (*ERROR_TYPES, "rpc_error", "not_found", "mismatch")


class TxSource(Protocol):
    """A node's txs by hash (:class:`aztec.stdlib.interfaces.aztec_node_client.NodeRpcClient` is one)."""

    @property
    def url(self) -> str: ...

    async def get_txs_by_hash(self, tx_hashes: Sequence[Fr]) -> list[Tx | None]: ...

    async def close(self) -> None: ...


class TxFetchError(Exception):
    def __init__(self, error_type: str, reason: str) -> None:
        super().__init__(reason)
        self.error_type = error_type
        self.reason = reason


class BlockTxFetcher:
    def __init__(self, source: TxSource, instrumentation: StandaloneProverInstrumentation) -> None:
        self.source = source
        self._instrumentation = instrumentation
        self._failing: str | None = None
        """The reason of the current run of failures (None: the last fetch worked)."""
        self.failures = 0

    async def fetch(self, block: L2Block) -> list[Tx]:
        """The block's txs in block order, or :class:`TxFetchError` (counted, and said once per run)."""
        try:
            txs = await self._fetch(block)
        except TxFetchError as error:
            self.failures += 1
            self._instrumentation.record_fetch_failure(error.error_type)
            if error.reason != self._failing:
                _log.warning("prover: cannot fetch the txs of block %d from %s: %s", block.number, self.url, error)
            else:
                _log.debug("prover: cannot fetch the txs of block %d from %s: %s", block.number, self.url, error)
            self._failing = error.reason
            raise
        if self._failing is not None:
            _log.info("prover: fetching txs from %s works again", self.url)
            self._failing = None
        return txs

    @property
    def url(self) -> str:
        return self.source.url

    async def _fetch(self, block: L2Block) -> list[Tx]:
        hashes = [effect.tx_hash for effect in block.body]
        try:
            found = await self.source.get_txs_by_hash(hashes)
        except JsonRpcTransportError as error:
            raise TxFetchError(*classify(error)) from None
        except JsonRpcError as error:
            raise TxFetchError("rpc_error", f"error {error.code}: {error.message}") from None
        missing = [tx_hash for tx_hash, tx in zip(hashes, found, strict=True) if tx is None]
        if missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise TxFetchError(
                "not_found", f"the node has not got tx {missing[0]:#066x}{more} (pruned, or never received)"
            )
        txs = [tx for tx in found if tx is not None]
        for expected, tx in zip(hashes, txs, strict=True):
            if tx.tx_hash != expected:
                raise TxFetchError("mismatch", f"asked for tx {expected:#066x}, got {tx.tx_hash:#066x}")
        return txs
