"""A sandbox killed with SIGKILL under load restarts from its data directory and loses nothing committed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from aztec.foundation.fields import Fr
from aztec.simulator.contracts.registry import TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.interfaces.aztec_node import TxStatus
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.tx import call
from aztec.telemetry import NoopTelemetryClient
from aztec.world_state.world_state import WorldState
from tests.e2e.sandbox_process import SandboxProcess
from tests.support.polling import wait_until_async

pytestmark = pytest.mark.e2e

FAST = (
    "--prover-kind",
    "native",
    "--prover-scale",
    "0.01",
    "--l1-block-time",
    "0.3",
    "--slot-duration",
    "0.3",
    "--max-block-wait",
    "0.5",
)


async def _load_then_send(rpc_url: str, min_block: int) -> tuple[int, list[Fr]]:
    async with NodeRpcClient(rpc_url) as node:

        async def made_blocks() -> bool:
            return await node.get_block_number() >= min_block

        await wait_until_async(made_blocks, timeout=90, interval=0.2, message=f"the sandbox to make {min_block} blocks")
        info = await node.get_node_info()
        wallet = Wallet(Account.generate())
        sent = []
        for _ in range(5):
            tx = wallet.create_tx(
                app_logic=(call(TOKEN_ADDRESS, "mint", wallet.address, 7),),
                max_fee_per_gas=info.base_fee_per_gas * 4,
            )
            sent.append(await node.send_tx(tx))
        return await node.get_block_number(), sent


async def _after_restart(rpc_url: str, follower_url: str, seen_block: int, sent: list[Fr]) -> None:
    async with NodeRpcClient(rpc_url) as node, NodeRpcClient(follower_url) as follower:
        loop = asyncio.get_running_loop()
        assert await node.get_block_number() >= seen_block, "a committed block was lost"
        for receipt in [await node.get_tx_receipt(h) for h in sent]:
            assert receipt.status in (TxStatus.PENDING, TxStatus.MINED, TxStatus.PROVEN), receipt
        deadline = loop.time() + 120
        while True:
            receipts = [await node.get_tx_receipt(h) for h in sent]
            height, proven = await node.get_block_number(), await node.get_proven_block_number()
            follower_height = await follower.get_block_number()
            settled = all(r.status is TxStatus.PROVEN for r in receipts)
            if settled and proven == height == follower_height and await follower.is_ready():
                return
            assert loop.time() < deadline, (receipts, height, proven, follower_height)
            await asyncio.sleep(0.3)


def test_sigkill_under_load_then_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = SandboxProcess(data, "--sandbox", "--bot-tps", "8", *FAST)
    try:
        urls = first.urls()
        seen_block, sent = asyncio.run(_load_then_send(urls["node_rpc"], min_block=3))
        first.kill()  # SIGKILL: no shutdown code runs
    finally:
        first.close()

    second = SandboxProcess(data, "--l1", "--sequencer", "--prover", "--node", *FAST)
    try:
        urls = second.urls()
        asyncio.run(_after_restart(urls["node_rpc"], urls["follower_rpc"], seen_block, sent))
        assert second.interrupt() == 0
    finally:
        second.close()

    telemetry = NoopTelemetryClient()
    with (
        WorldState.open(data / "sequencer" / "world_state", telemetry) as sequencer,
        WorldState.open(data / "follower" / "world_state", telemetry) as follower,
    ):
        assert sequencer.committed_block_number == follower.committed_block_number >= seen_block
        assert sequencer.committed.get_state_reference() == follower.committed.get_state_reference()
        archive = TreeId.ARCHIVE
        assert sequencer.committed.get_snapshot(archive) == follower.committed.get_snapshot(archive)
