"""A real node behind its real JSON-RPC server: bad txs counted as rejections, mined txs by hash, /readyz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from aztec.foundation.json_rpc import JsonRpcServer
from aztec.l1 import DEV_PUBLISHER_ADDRESS, DevL1Chain
from aztec.node.config import NodeConfig
from aztec.node.service import AztecNodeService
from aztec.prover_node.config import ProverConfig
from aztec.sandbox.runner import serve_node_rpc
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.stdlib.tx.tx import DEFAULT_MAX_TX_SIZE
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.mempool import MEMPOOL_TX_REJECTED_COUNT
from aztec.telemetry.metrics.node import NODE_RECEIVE_TX_COUNT
from aztec.telemetry.metrics.public_processor import TX_VALIDATION_REJECTIONS
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.node.harness import mint_tx, new_wallet
from tests.support.polling import wait_until_async


@pytest.fixture
async def served(
    tmp_path: Path, chain: DevL1Chain, telemetry: InMemoryTelemetryClient
) -> AsyncIterator[tuple[AztecNodeService, JsonRpcServer]]:
    config = NodeConfig(
        tmp_path / "sequencer",
        rpc_port=0,
        sequencer=SequencerConfig(slot_duration_s=0.02, max_block_wait_s=0.0),
        prover=ProverConfig(kind="test"),
        archiver_poll_interval_s=0.01,
    )
    node = AztecNodeService.create(config, telemetry, chain, DEV_PUBLISHER_ADDRESS)
    await node.start()
    server = serve_node_rpc(node, telemetry)
    await server.start()
    yield node, server
    await server.stop()
    await node.stop()


async def _send_hex(http: aiohttp.ClientSession, server: JsonRpcServer, tx_hex: str) -> dict[str, object]:
    body = {"jsonrpc": "2.0", "id": 1, "method": "node_sendTx", "params": [tx_hex]}
    async with http.post(server.url, json=body) as response:
        assert response.status == 200
        answer: dict[str, object] = await response.json()
        return answer


async def test_oversized_and_malformed_txs_are_rejections_counted_like_the_others(
    served: tuple[AztecNodeService, JsonRpcServer], telemetry: InMemoryTelemetryClient
) -> None:
    _, server = served
    async with aiohttp.ClientSession() as http:
        oversized = await _send_hex(http, server, "0x" + "ab" * (DEFAULT_MAX_TX_SIZE + 1))
        malformed = await _send_hex(http, server, "0x" + "00" * 100)
        good = mint_tx(new_wallet())
        accepted = await _send_hex(http, server, "0x" + good.to_bytes().hex())
    assert oversized["error"] == {
        "code": -32000,
        "message": f"transaction rejected: too_large: tx is {DEFAULT_MAX_TX_SIZE + 1} bytes, the limit is "
        f"{DEFAULT_MAX_TX_SIZE}",
        "data": {"reason": "too_large"},
    }
    error = malformed["error"]
    assert isinstance(error, dict) and error["data"] == {"reason": "malformed"} and error["code"] == -32000
    assert accepted["result"] == f"0x{good.tx_hash:064x}"
    assert telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "rejected"}) == 2
    assert telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "accepted"}) == 1
    for reason in ("too_large", "malformed"):
        assert telemetry.counter_value(MEMPOOL_TX_REJECTED_COUNT, {a.TX_VALIDATION_REASON: reason}) == 1
        assert telemetry.counter_value(TX_VALIDATION_REJECTIONS, {a.TX_VALIDATION_REASON: reason}) == 1


async def test_get_tx_by_hash_finds_pending_then_mined_txs(
    served: tuple[AztecNodeService, JsonRpcServer], chain: DevL1Chain
) -> None:
    node, server = served
    tx = mint_tx(new_wallet())
    async with NodeRpcClient(server.url) as client:
        await client.send_tx(tx)
        assert await client.get_tx_by_hash(tx.tx_hash) == tx
        await chain.start()

        async def mined() -> bool:
            return (await client.get_tx_receipt(tx.tx_hash)).status.value in ("mined", "proven")

        await wait_until_async(mined, message="the tx mined")
        assert node.pool.pending_count == 0
        assert await client.get_tx_by_hash(tx.tx_hash) == tx
        assert await client.get_tx_by_hash(tx.tx_hash + 1) is None


async def test_get_txs_by_hash_batches_in_order_with_none_for_unknown_hashes(
    served: tuple[AztecNodeService, JsonRpcServer], chain: DevL1Chain
) -> None:
    """What a standalone prover fetches a block's txs with: ``node_getTxByHash`` in batches of ``batch_limit``."""
    _, server = served
    txs = [mint_tx(new_wallet()) for _ in range(3)]
    async with NodeRpcClient(server.url, batch_limit=2) as client:
        for tx in txs:
            await client.send_tx(tx)
        await chain.start()

        async def mined() -> bool:
            receipts = await client.get_tx_receipts([tx.tx_hash for tx in txs])
            return all(r.status.value in ("mined", "proven") for r in receipts)

        await wait_until_async(mined, message="the txs mined")
        hashes = [txs[2].tx_hash, txs[0].tx_hash + 1, txs[0].tx_hash, txs[1].tx_hash]
        assert await client.get_txs_by_hash(hashes) == [txs[2], None, txs[0], txs[1]]
        assert await client.get_txs_by_hash([]) == []


async def test_readyz_reports_l1_sync_and_lag(
    served: tuple[AztecNodeService, JsonRpcServer], chain: DevL1Chain
) -> None:
    node, server = served
    base = server.url.rstrip("/")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
        async with http.get(f"{base}/readyz") as response:
            assert response.status == 200
            assert await response.json() == {
                "ready": True,
                "checks": {"l1Reachable": True, "synced": True, "notBehind": True},
            }
        original = chain.get_pending_block_number

        async def unreachable() -> int:
            raise ConnectionRefusedError("L1 down")

        chain.get_pending_block_number = unreachable  # type: ignore[method-assign]
        try:
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 503
                assert (await response.json())["checks"]["l1Reachable"] is False
        finally:
            chain.get_pending_block_number = original  # type: ignore[method-assign]

        async def far_ahead() -> int:
            return node.archiver.get_block_number() + 10

        chain.get_pending_block_number = far_ahead  # type: ignore[method-assign]
        try:
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 503
                assert (await response.json())["checks"] == {"l1Reachable": True, "synced": False, "notBehind": True}
        finally:
            chain.get_pending_block_number = original  # type: ignore[method-assign]
