"""The node's JSON-RPC server: ``node_*`` methods served from an :class:`AztecNode` (the client:
:mod:`aztec.stdlib.interfaces.aztec_node_client`).

The methods, their params (types and bounds), results and errors are declared once in
:mod:`aztec.node.json_rpc_methods`; ``rpc.discover`` serves the OpenRPC document generated from them
(committed as ``docs/openrpc.json``). A param outside its declared type or bound, or a hex value that
is not a field element, is an invalid param (-32602) naming the parameter; a transaction that is too
large or does not decode is a rejection (-32000, ``data.reason`` ``too_large`` / ``malformed``),
counted like every other rejection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Final, TypeVar, cast

from aztec.foundation.http import ConnectionLimits
from aztec.foundation.http.health import Readiness
from aztec.foundation.json_rpc import (
    DEFAULT_HOST,
    DEFAULT_MAX_BATCH_SIZE,
    DEFAULT_MAX_BODY_BYTES,
    InvalidParamsError,
    JsonRpcError,
    JsonRpcServer,
    MethodRegistry,
)
from aztec.foundation.json_rpc.openrpc import openrpc_document
from aztec.foundation.json_rpc.registry import Handler, Result
from aztec.foundation.json_rpc.types import Described
from aztec.foundation.version import package_version
from aztec.node.json_rpc_methods import declarations
from aztec.stdlib.interfaces.aztec_node import AztecNode, TxRejectedError
from aztec.stdlib.interfaces.aztec_node_client import (
    GET_BLOCK,
    GET_BLOCK_NUMBER,
    GET_NODE_INFO,
    GET_PROVEN_BLOCK_NUMBER,
    GET_PUBLIC_STORAGE_AT,
    GET_TX_BY_HASH,
    GET_TX_RECEIPT,
    IS_READY,
    SEND_TX,
    TX_REJECTED_CODE,
)
from aztec.stdlib.interfaces.aztec_node_codec import (
    NodeCodecError,
    block_number_from_json,
    bytes_from_hex,
    fr_from_hex,
    fr_to_hex,
    node_info_to_json,
    receipt_to_json,
    tx_to_hex,
)
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.wrappers.json_rpc import JsonRpcServerTelemetry

T = TypeVar("T")

OPENRPC_TITLE: Final = "Aztec node JSON-RPC API"


class TxRejectedRpcError(JsonRpcError):
    """``node_sendTx`` refused the transaction; ``data`` is ``{"reason": <TX_VALIDATION_REASON value>}``."""

    code = TX_REJECTED_CODE
    name = "tx_rejected"


def _param(decode: Callable[[Any, str], T], value: Any, name: str) -> T:
    try:
        return decode(value, name)
    except NodeCodecError as error:
        raise InvalidParamsError(str(error), {"param": name}) from None


class NodeRpcHandlers:
    """The ``node_*`` handlers over one node: decode params, call the node, encode the result."""

    def __init__(self, node: AztecNode) -> None:
        self._node = node

    async def send_tx(self, tx_hex: str) -> str:
        data = _param(bytes_from_hex, tx_hex, "txHex")
        try:
            tx_hash = await self._node.send_tx_bytes(data)
        except TxRejectedError as error:
            raise TxRejectedRpcError(str(error), {"reason": error.reason}) from None
        return fr_to_hex(tx_hash)

    async def get_tx_receipt(self, tx_hash: str) -> dict[str, Any]:
        return receipt_to_json(await self._node.get_tx_receipt(_param(fr_from_hex, tx_hash, "txHash")))

    async def get_tx_by_hash(self, tx_hash: str) -> str | None:
        tx = await self._node.get_tx_by_hash(_param(fr_from_hex, tx_hash, "txHash"))
        return None if tx is None else tx_to_hex(tx)

    async def get_block_number(self) -> int:
        return await self._node.get_block_number()

    async def get_proven_block_number(self) -> int:
        return await self._node.get_proven_block_number()

    async def get_block(self, number: int) -> dict[str, Any] | None:
        block = await self._node.get_block(_param(block_number_from_json, number, "number"))
        return None if block is None else block.to_json()

    async def get_public_storage_at(self, slot_hex: str) -> str:
        return fr_to_hex(await self._node.get_public_storage_at(_param(fr_from_hex, slot_hex, "slotHex")))

    async def get_node_info(self) -> dict[str, Any]:
        return node_info_to_json(await self._node.get_node_info())

    async def is_ready(self) -> bool:
        return await self._node.is_ready()

    def handlers(self) -> dict[str, Handler]:
        return {
            SEND_TX: self.send_tx,
            GET_TX_RECEIPT: self.get_tx_receipt,
            GET_TX_BY_HASH: self.get_tx_by_hash,
            GET_BLOCK_NUMBER: self.get_block_number,
            GET_PROVEN_BLOCK_NUMBER: self.get_proven_block_number,
            GET_BLOCK: self.get_block,
            GET_PUBLIC_STORAGE_AT: self.get_public_storage_at,
            GET_NODE_INFO: self.get_node_info,
            IS_READY: self.is_ready,
        }

    def registry(self) -> MethodRegistry:
        """Every declared method with its handler, and ``rpc.discover``."""
        registry = MethodRegistry()
        handlers = self.handlers()
        for decl in declarations():
            registry.register(
                decl.name,
                handlers[decl.name],
                decl.params,
                result=decl.result,
                summary=decl.summary,
                errors=decl.errors,
            )
        document = node_openrpc_document(registry)

        async def discover() -> dict[str, Any]:
            return document

        registry.register_discovery(discover, Result("openrpcDocument", Described({"type": "object"})))
        return registry


def node_openrpc_document(registry: MethodRegistry | None = None) -> dict[str, Any]:
    """The OpenRPC document of the node's API (``docs/openrpc.json``, ``rpc.discover``)."""
    if registry is None:
        return _standalone_document()
    return openrpc_document(
        registry,
        title=OPENRPC_TITLE,
        version=package_version(),
        description="JSON-RPC 2.0 over HTTP POST / (Content-Type: application/json); batches allowed.",
    )


@cache
def _standalone_document() -> dict[str, Any]:
    registry = MethodRegistry()
    unserved = NodeRpcHandlers(cast(AztecNode, None)).handlers()
    for decl in declarations():
        registry.register(
            decl.name, unserved[decl.name], decl.params, result=decl.result, summary=decl.summary, errors=decl.errors
        )
    return node_openrpc_document(registry)


def build_node_rpc_server(
    node: AztecNode,
    telemetry: TelemetryClient,
    host: str = DEFAULT_HOST,
    port: int = 0,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    *,
    max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
    limits: ConnectionLimits | None = None,
    allowed_hosts: Sequence[str] = (),
    cors_origins: Sequence[str] = (),
    readiness: Readiness | None = None,
) -> JsonRpcServer:
    """A (not yet started) JSON-RPC server for ``node``'s methods; ``/readyz`` defaults to ``is_ready``."""
    registry = NodeRpcHandlers(node).registry()

    async def ready() -> dict[str, bool]:
        return {"ready": await node.is_ready()}

    return JsonRpcServer(
        registry,
        JsonRpcServerTelemetry(telemetry),
        host=host,
        port=port,
        max_body_bytes=max_body_bytes,
        max_batch_size=max_batch_size,
        limits=limits,
        allowed_hosts=allowed_hosts,
        cors_origins=cors_origins,
        readiness=readiness or ready,
    )
