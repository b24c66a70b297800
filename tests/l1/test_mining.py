"""The mining task: blocks at the block time, transactions included without an explicit mine."""

from __future__ import annotations

import itertools
from pathlib import Path

from aztec.l1 import DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config, L1TxRequest, wait_for_receipt
from aztec.l1.types import dev_address
from tests.support.polling import wait_until_async

BLOCK_TIME = 0.05


async def wait_for_height(chain: DevL1Chain, height: int, timeout_s: float = 30.0) -> None:
    async def reached() -> bool:
        return await chain.get_block_number() >= height

    await wait_until_async(reached, timeout=timeout_s, interval=BLOCK_TIME / 5, message=f"block {height}")


async def test_the_mining_task_includes_transactions_and_stops(chain_path: Path) -> None:
    chain = DevL1Chain.open(chain_path, 1, DevL1Config(block_time_s=BLOCK_TIME))
    try:
        await chain.start()
        await chain.start()  # idempotent
        assert chain.mining
        tx_hash = await chain.send_transaction(L1TxRequest(DEV_PUBLISHER_ADDRESS, dev_address("bob"), value=3))
        receipt = await wait_for_receipt(chain, tx_hash, timeout_s=30, poll_interval_s=0.01)
        assert receipt.succeeded
        await wait_for_height(chain, receipt.block_number + 2)
        await chain.stop()
        assert not chain.mining
        await chain.stop()  # idempotent
    finally:
        chain.close()


async def test_miners_sharing_a_file_keep_the_block_time(chain_path: Path) -> None:
    first = DevL1Chain.open(chain_path, 1, DevL1Config(block_time_s=BLOCK_TIME))
    second = DevL1Chain.open(chain_path, 1, DevL1Config(block_time_s=BLOCK_TIME))
    try:
        await first.start()
        await second.start()
        await wait_for_height(first, 6)
        await first.stop()
        await second.stop()
        blocks = [await first.get_block(n) for n in range(7)]
        stamps = [block.timestamp for block in blocks if block is not None]
        gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
        assert len(gaps) == 6
        assert all(gap >= BLOCK_TIME - 1e-9 for gap in gaps), f"two miners, still one block per block time: {gaps}"
    finally:
        first.close()
        second.close()
