"""The chain file: reopening resumes it, other processes share it, and a mismatched genesis is refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aztec.l1 import (
    DEV_PUBLISHER_ADDRESS,
    ChainClosedError,
    ChainMismatchError,
    DevL1Chain,
    DevL1Config,
    L1TxRequest,
)
from aztec.l1.rollup import encode_propose
from aztec.l1.types import dev_address
from tests.l1.l2_blocks import L2BlockBuilder

BOB = dev_address("bob")


async def test_reopening_resumes_height_balances_contract_state_and_the_mempool(
    chain_path: Path, l2: L2BlockBuilder
) -> None:
    genesis_root = l2.archive_root
    chain = DevL1Chain.open(chain_path, genesis_root)
    block = l2.build().block
    chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, chain.rollup_address, encode_propose(block)))
    chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, BOB, value=7))
    chain.mine()
    pending = chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, BOB, value=5))
    before = (chain.latest_block(), await chain.get_balance(DEV_PUBLISHER_ADDRESS))
    chain.close()

    reopened = DevL1Chain.open(chain_path, genesis_root)
    try:
        assert (reopened.latest_block(), await reopened.get_balance(DEV_PUBLISHER_ADDRESS)) == before
        assert await reopened.get_balance(BOB) == 7
        assert await reopened.get_pending_block_number() == 1
        assert await reopened.get_archive_root() == block.archive_root
        assert reopened.mine().tx_hashes == (pending,), "the pending transaction survived"
        assert await reopened.get_balance(BOB) == 12
        nonce = await reopened.get_transaction(
            reopened.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, BOB, value=1))
        )
        assert nonce is not None and nonce.nonce == 3, "nonces continue"
    finally:
        reopened.close()


def test_a_different_genesis_is_refused(chain_path: Path) -> None:
    DevL1Chain.open(chain_path, 1).close()
    with pytest.raises(ChainMismatchError, match=r"genesis_archive_root is 0x0+1, opened with 0x0+2"):
        DevL1Chain.open(chain_path, 2)
    with pytest.raises(ChainMismatchError, match="chain_id is 31337, opened with 5"):
        DevL1Chain.open(chain_path, 1, DevL1Config(chain_id=5))


async def test_a_closed_chain_says_so(chain_path: Path) -> None:
    chain = DevL1Chain.open(chain_path, 1)
    chain.close()
    chain.close()
    with pytest.raises(ChainClosedError, match="is closed"):
        chain.mine()
    with pytest.raises(ChainClosedError):
        await chain.get_block_number()


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from aztec.l1 import DEV_PUBLISHER_ADDRESS, DevL1Chain, L1TxRequest
    chain = DevL1Chain.open(Path(sys.argv[1]), 1)
    chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, sys.argv[2], value=int(sys.argv[3])))
    print(chain.mine().number)
    chain.close()
    """
)


async def test_another_process_shares_the_file(chain_path: Path) -> None:
    chain = DevL1Chain.open(chain_path, 1)
    try:
        chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, BOB, value=1))
        children = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", CHILD, str(chain_path), BOB, "10", stdout=subprocess.PIPE
            )
            for _ in range(3)
        ]
        mined_here = [chain.mine().number for _ in range(3)]
        outputs = [await asyncio.wait_for(child.communicate(), 60) for child in children]
        assert [child.returncode for child in children] == [0, 0, 0]
        mined_there = [int(stdout) for stdout, _ in outputs]
        assert sorted(mined_here + mined_there) == list(range(1, 7)), "one chain, no block mined twice"
        assert await chain.get_block_number() == 6
        assert await chain.get_balance(BOB) == 31
        publisher_nonces = [
            tx.nonce
            for n in range(1, 7)
            if (block := await chain.get_block(n)) is not None
            for h in block.tx_hashes
            if (tx := await chain.get_transaction(h)) is not None
        ]
        assert sorted(publisher_nonces) == [0, 1, 2, 3]
    finally:
        chain.close()
