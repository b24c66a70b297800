"""The node_* methods over real HTTP: NodeRpcClient round trips and every bad-input path."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from aztec.foundation.fields import FIELD_MODULUS
from aztec.foundation.json_rpc import INVALID_PARAMS, InvalidParamsError, JsonRpcServer
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.simulator import TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.interfaces.aztec_node import TxReceipt, TxRejectedError, TxStatus
from aztec.stdlib.interfaces.aztec_node_client import TX_REJECTED_CODE as TX_REJECTED
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.stdlib.interfaces.aztec_node_codec import fr_to_hex, tx_to_hex
from aztec.stdlib.storage import storage_slot
from aztec.stdlib.tx.tx import call
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.node import JSON_RPC_REQUEST_COUNT
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state import WorldState
from tests.json_rpc.fake_node import FakeNode
from tests.json_rpc.http_helpers import post, request

ALICE = Account.from_seed(b"a" * 32)
BOB = Account.from_seed(b"b" * 32)


def mint(wallet: Wallet, amount: int, *, max_fee_per_gas: int = 2) -> Any:
    return wallet.create_tx(
        app_logic=[call(TOKEN_ADDRESS, "mint", wallet.address, amount)], max_fee_per_gas=max_fee_per_gas
    )


async def test_send_mine_and_read_back(node_client: NodeRpcClient, fake_node: FakeNode) -> None:
    alice = Wallet(ALICE)
    tx = mint(alice, 1000)
    assert await node_client.send_tx(tx) == tx.tx_hash
    assert await node_client.get_tx_receipt(tx.tx_hash) == TxReceipt(tx.tx_hash, TxStatus.PENDING)
    assert await node_client.get_tx_by_hash(tx.tx_hash) == tx
    block = fake_node.mine()
    assert block is not None
    receipt = await node_client.get_tx_receipt(tx.tx_hash)
    assert receipt.status is TxStatus.MINED
    assert receipt.block_number == 1
    assert receipt.reverted is False
    assert receipt.fee is not None and receipt.fee > 0
    assert await node_client.get_block_number() == 1
    assert await node_client.get_proven_block_number() == 0
    fake_node.prove()
    assert await node_client.get_proven_block_number() == 1
    assert await node_client.get_block(1) == block.to_json()
    assert await node_client.get_block(2) is None
    balance_slot = storage_slot(TOKEN_ADDRESS, "balances", alice.address)
    assert await node_client.get_public_storage_at(balance_slot) == 1000
    assert await node_client.get_public_storage_at(storage_slot(TOKEN_ADDRESS, "balances", BOB.address)) == 0


async def test_unknown_tx(node_client: NodeRpcClient) -> None:
    assert await node_client.get_tx_by_hash(12345) is None
    assert await node_client.get_tx_receipt(12345) == TxReceipt(12345, TxStatus.UNKNOWN)
    assert await node_client.get_tx_receipts([1, 2]) == [
        TxReceipt(1, TxStatus.UNKNOWN),
        TxReceipt(2, TxStatus.UNKNOWN),
    ]


async def test_receipts_in_batches(node_server: JsonRpcServer, fake_node: FakeNode) -> None:
    wallet = Wallet(ALICE)
    txs = [mint(wallet, 1) for _ in range(7)]
    async with NodeRpcClient(node_server.url, batch_limit=3) as client:
        for tx in txs:
            await client.send_tx(tx)
        fake_node.drop(txs[0].tx_hash, "low_fee")
        fake_node.mine()
        receipts = await client.get_tx_receipts([tx.tx_hash for tx in txs])
    assert [r.tx_hash for r in receipts] == [tx.tx_hash for tx in txs]
    assert receipts[0] == TxReceipt(txs[0].tx_hash, TxStatus.DROPPED, reason="low_fee")
    assert {r.status for r in receipts[1:]} == {TxStatus.MINED}


async def test_node_info_and_readiness(node_client: NodeRpcClient, fake_node: FakeNode) -> None:
    assert await node_client.get_node_info() == await fake_node.get_node_info()
    assert await node_client.is_ready() is True
    fake_node.ready = False
    assert await node_client.is_ready() is False


async def test_node_info_keys_are_camel_case(http: aiohttp.ClientSession, node_server: JsonRpcServer) -> None:
    _, answer = await post(http, node_server, request("node_getNodeInfo"))
    assert answer["result"] == {
        "version": "0.0.0-test",
        "role": "sequencer",
        "l1ChainId": 31337,
        "rollupAddress": "0x" + "ab" * 20,
        "baseFeePerGas": 2,
        "blockGasLimit": 10_000_000,
        "maxTxSize": 32 * 1024,
        "contracts": {
            "token": fr_to_hex(TOKEN_ADDRESS),
            "counter": answer["result"]["contracts"]["counter"],
        },
    }
    assert len(answer["result"]["contracts"]["token"]) == 66


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda w: mint(w, 1, max_fee_per_gas=1), "fee_too_low"),
        (
            lambda w: w.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", w.address, 1)], gas_limit=10**8),
            "gas_limit_too_high",
        ),
        (lambda w: mint(w, 1).with_signature(bytes(64)), "bad_signature"),
    ],
    ids=["fee", "gas", "signature"],
)
async def test_rejections_carry_the_reason(node_client: NodeRpcClient, make: Any, reason: str) -> None:
    with pytest.raises(TxRejectedError) as rejected:
        await node_client.send_tx(make(Wallet(ALICE)))
    assert rejected.value.reason == reason
    assert str(rejected.value)  # the node's detail message comes along


async def test_double_spend_in_pool_and_in_tree(node_client: NodeRpcClient, fake_node: FakeNode) -> None:
    first = mint(Wallet(ALICE, next_nonce=5), 1)
    same_nonce = Wallet(ALICE, next_nonce=5).create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", BOB.address, 2)])
    await node_client.send_tx(first)
    with pytest.raises(TxRejectedError, match="already in the pool") as in_pool:
        await node_client.send_tx(same_nonce)
    assert in_pool.value.reason == "double_spend"
    fake_node.mine()
    with pytest.raises(TxRejectedError, match="nonce already used") as in_tree:
        await node_client.send_tx(same_nonce)
    assert in_tree.value.reason == "double_spend"


async def test_rejection_on_the_wire(
    http: aiohttp.ClientSession, node_server: JsonRpcServer, telemetry: InMemoryTelemetryClient
) -> None:
    tx = mint(Wallet(ALICE), 1, max_fee_per_gas=1)
    _, answer = await post(http, node_server, request("node_sendTx", [tx_to_hex(tx)], 4))
    assert answer["id"] == 4
    assert answer["error"]["code"] == TX_REJECTED == -32000
    assert answer["error"]["data"] == {"reason": "fee_too_low"}
    assert "below the base fee" in answer["error"]["message"]
    attributes = {a.RPC_METHOD: "node_sendTx", a.RPC_STATUS: "tx_rejected"}
    assert telemetry.counter_value(JSON_RPC_REQUEST_COUNT, attributes) == 1


GOOD_TX_HEX = tx_to_hex(Wallet(ALICE).create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, 1)]))


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        (
            "node_sendTx",
            ["deadbeef"],
            "(txHex) must be 0x followed by the hex of a transaction's encoding, got 'deadbeef'",
        ),
        ("node_sendTx", ["0xabc"], "(txHex) must be 0x followed by the hex of a transaction's encoding"),
        ("node_sendTx", ["0xzz"], "(txHex) must be 0x followed by the hex of a transaction's encoding"),
        ("node_sendTx", [12], "parameter 0 (txHex) must be a string, got number"),
        ("node_sendTx", [], "node_sendTx takes 1 parameter(s), got 0"),
        ("node_getTxReceipt", ["0x" + "1" * 63], "(txHash) must be 0x followed by 64 hex digits"),
        ("node_getTxReceipt", ["1" * 64], "(txHash) must be 0x followed by 64 hex digits"),
        ("node_getTxReceipt", [f"0x{FIELD_MODULUS:064x}"], "is not a field element"),
        ("node_getTxByHash", ["0x" + "g" * 64], "(txHash) must be 0x followed by 64 hex digits"),
        ("node_getBlock", [-1], "(number) must be an integer in [0, 18446744073709551615], got -1"),
        (
            "node_getBlock",
            [2**64],
            "(number) must be an integer in [0, 18446744073709551615], got 18446744073709551616",
        ),
        ("node_getBlock", ["1"], "parameter 0 (number) must be an integer, got string"),
        ("node_getBlock", [1.5], "parameter 0 (number) must be an integer written without fraction or exponent"),
        ("node_getPublicStorageAt", ["0x12"], "(slotHex) must be 0x followed by 64 hex digits"),
        ("node_getBlockNumber", [1], "node_getBlockNumber takes 0 parameter(s), got 1"),
    ],
)
async def test_bad_params_are_named(
    http: aiohttp.ClientSession, node_server: JsonRpcServer, method: str, params: list[Any], message: str
) -> None:
    status, answer = await post(http, node_server, request(method, params))
    assert status == 200
    assert answer["error"]["code"] == INVALID_PARAMS
    assert message in answer["error"]["message"]
    await assert_node_still_serving(http, node_server)


@pytest.mark.parametrize(
    "tx_hex",
    ["0x", "0x" + "00" * 40, GOOD_TX_HEX[:-2], GOOD_TX_HEX + "00"],
    ids=["empty", "not-a-tx", "truncated", "trailing-byte"],
)
async def test_a_tx_that_does_not_decode_is_rejected_as_malformed(
    http: aiohttp.ClientSession, node_server: JsonRpcServer, tx_hex: str
) -> None:
    _, answer = await post(http, node_server, request("node_sendTx", [tx_hex]))
    assert answer["error"]["code"] == TX_REJECTED
    assert answer["error"]["data"] == {"reason": "malformed"}
    assert "malformed tx" in answer["error"]["message"]
    await assert_node_still_serving(http, node_server)


async def assert_node_still_serving(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    _, answer = await post(http, server, request("node_getBlockNumber", [], 77))
    assert answer == {"jsonrpc": "2.0", "id": 77, "result": 0}


async def test_client_raises_invalid_params(node_client: NodeRpcClient) -> None:
    with pytest.raises(InvalidParamsError, match=r"\(number\) must be an integer in \[0, 18446744073709551615\]"):
        await node_client.get_block(-3)


async def test_unknown_node_method(http: aiohttp.ClientSession, node_server: JsonRpcServer) -> None:
    _, answer = await post(http, node_server, request("node_getEverything"))
    assert answer["error"]["code"] == -32601
    await assert_node_still_serving(http, node_server)


async def test_tx_over_the_node_size_limit_is_rejected_too_large(world_state: WorldState) -> None:
    node = FakeNode(world_state, max_tx_size=300)
    big = Wallet(ALICE).create_tx(note_hashes=list(range(1, 20)), gas_limit=100_000)
    assert big.size > 300
    async with build_node_rpc_server(node, NoopTelemetryClient()) as server, NodeRpcClient(server.url) as client:
        with pytest.raises(TxRejectedError) as rejected:
            await client.send_tx(big)
        assert rejected.value.reason == "too_large"
        assert await client.send_tx(mint(Wallet(BOB), 1)) is not None
