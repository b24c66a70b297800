"""The node's API over JSON-RPC as a typed client, and the ``node_*`` method names (Aztec's ``interfaces/aztec-node``).

What the bot and other clients use; the node serves these methods from :mod:`aztec.node.json_rpc_api`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Final, TypeVar

from aztec.foundation.fields import Fr
from aztec.foundation.json_rpc import DEFAULT_MAX_BATCH_SIZE, JsonRpcClient, JsonRpcError, JsonRpcTransportError
from aztec.foundation.json_rpc.errors import APPLICATION_ERROR
from aztec.foundation.json_rpc.hooks import NO_CLIENT_HOOKS, JsonRpcClientHooks
from aztec.stdlib.interfaces.aztec_node import NodeInfo, TxReceipt, TxRejectedError
from aztec.stdlib.interfaces.aztec_node_codec import (
    NodeCodecError,
    fr_from_hex,
    fr_to_hex,
    node_info_from_json,
    receipt_from_json,
    tx_from_hex,
    tx_to_hex,
)
from aztec.stdlib.tx.tx import Tx

T = TypeVar("T")

SEND_TX: Final = "node_sendTx"
GET_TX_RECEIPT: Final = "node_getTxReceipt"
GET_TX_BY_HASH: Final = "node_getTxByHash"
GET_BLOCK_NUMBER: Final = "node_getBlockNumber"
GET_PROVEN_BLOCK_NUMBER: Final = "node_getProvenBlockNumber"
GET_BLOCK: Final = "node_getBlock"
GET_PUBLIC_STORAGE_AT: Final = "node_getPublicStorageAt"
GET_NODE_INFO: Final = "node_getNodeInfo"
IS_READY: Final = "node_isReady"


TX_REJECTED_CODE: Final = APPLICATION_ERROR
"""``node_sendTx`` refused the transaction (the first server-defined code); ``data.reason`` says why."""


class NodeRpcResponseError(JsonRpcTransportError):
    """The node answered, but not with what its API promises."""


def _decode(decode: Callable[[Any], T], value: Any) -> T:
    try:
        return decode(value)
    except NodeCodecError as error:
        raise NodeRpcResponseError(f"malformed answer: {error}") from None


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise NodeRpcResponseError(f"malformed answer: {what} must be an integer, got {value!r}")
    return value


class NodeRpcClient:
    """The node's API over JSON-RPC, with the Python types of :mod:`aztec.stdlib.interfaces.aztec_node`.

    Errors: :class:`TxRejectedError` from :meth:`send_tx`, :class:`JsonRpcError` for other error
    answers, :class:`JsonRpcTransportError` (or its :class:`NodeRpcResponseError`) for no usable answer.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 30.0,
        max_connections: int = 100,
        batch_limit: int = DEFAULT_MAX_BATCH_SIZE,
        hooks: JsonRpcClientHooks = NO_CLIENT_HOOKS,
    ) -> None:
        """``hooks`` observe each call (``JsonRpcClientTracing(tracer, url)``: a client span per call)."""
        self.rpc = JsonRpcClient(url, timeout_s=timeout_s, max_connections=max_connections, hooks=hooks)
        self.batch_limit = batch_limit

    @property
    def url(self) -> str:
        return self.rpc.url

    async def send_tx(self, tx: Tx) -> Fr:
        try:
            result = await self.rpc.call(SEND_TX, tx_to_hex(tx))
        except JsonRpcError as error:
            reason = error.data.get("reason") if isinstance(error.data, dict) else None
            if error.code == TX_REJECTED_CODE and isinstance(reason, str):
                raise TxRejectedError(reason, error.message) from None
            raise
        return _decode(lambda v: fr_from_hex(v, "tx hash"), result)

    async def get_tx_receipt(self, tx_hash: Fr) -> TxReceipt:
        return _decode(receipt_from_json, await self.rpc.call(GET_TX_RECEIPT, fr_to_hex(tx_hash)))

    async def get_tx_receipts(self, tx_hashes: Sequence[Fr]) -> list[TxReceipt]:
        """Receipts of many txs in JSON-RPC batches of at most ``batch_limit``; a failed call raises."""
        receipts: list[TxReceipt] = []
        for start in range(0, len(tx_hashes), self.batch_limit):
            chunk = tx_hashes[start : start + self.batch_limit]
            results = await self.rpc.batch([(GET_TX_RECEIPT, [fr_to_hex(h)]) for h in chunk])
            for result in results:
                if isinstance(result, JsonRpcError):
                    raise result
                receipts.append(_decode(receipt_from_json, result))
        return receipts

    async def get_tx_by_hash(self, tx_hash: Fr) -> Tx | None:
        result = await self.rpc.call(GET_TX_BY_HASH, fr_to_hex(tx_hash))
        return None if result is None else _decode(tx_from_hex, result)

    async def get_txs_by_hash(self, tx_hashes: Sequence[Fr]) -> list[Tx | None]:
        """The txs with those hashes (None for each the node does not have), in JSON-RPC batches of at most
        ``batch_limit`` ``node_getTxByHash`` calls; an error answer to any call raises it."""
        txs: list[Tx | None] = []
        for start in range(0, len(tx_hashes), self.batch_limit):
            chunk = tx_hashes[start : start + self.batch_limit]
            results = await self.rpc.batch([(GET_TX_BY_HASH, [fr_to_hex(h)]) for h in chunk])
            for result in results:
                if isinstance(result, JsonRpcError):
                    raise result
                txs.append(None if result is None else _decode(tx_from_hex, result))
        return txs

    async def get_block_number(self) -> int:
        return _int(await self.rpc.call(GET_BLOCK_NUMBER), "block number")

    async def get_proven_block_number(self) -> int:
        return _int(await self.rpc.call(GET_PROVEN_BLOCK_NUMBER), "proven block number")

    async def get_block(self, number: int) -> dict[str, Any] | None:
        """The block's JSON view (:meth:`L2Block.to_json`), or None when there is no such block."""
        result = await self.rpc.call(GET_BLOCK, number)
        if result is not None and not isinstance(result, dict):
            raise NodeRpcResponseError(f"malformed answer: a block must be an object, got {type(result).__name__}")
        return result

    async def get_public_storage_at(self, slot: Fr) -> Fr:
        result = await self.rpc.call(GET_PUBLIC_STORAGE_AT, fr_to_hex(slot))
        return _decode(lambda v: fr_from_hex(v, "storage value"), result)

    async def get_node_info(self) -> NodeInfo:
        return _decode(node_info_from_json, await self.rpc.call(GET_NODE_INFO))

    async def is_ready(self) -> bool:
        result = await self.rpc.call(IS_READY)
        if not isinstance(result, bool):
            raise NodeRpcResponseError(f"malformed answer: isReady must be a boolean, got {result!r}")
        return result

    async def close(self) -> None:
        await self.rpc.close()

    async def __aenter__(self) -> NodeRpcClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
