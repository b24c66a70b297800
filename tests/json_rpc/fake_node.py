"""A small AztecNode for the RPC and bot tests, made of real parts: LMDB world state, the tx validator
and the public processor. Its pool is a dict and blocks are mined when the test (or a mining loop) says.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from aztec.foundation.fields import Fr
from aztec.p2p.tx_validator import TxValidator
from aztec.simulator import COUNTER_ADDRESS, TOKEN_ADDRESS, PublicProcessor
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT
from aztec.stdlib.interfaces.aztec_node import NodeInfo, TxReceipt, TxRejectedError, TxStatus
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.tx import DEFAULT_MAX_TX_SIZE, Tx, TxDecodeError, TxTooLargeError
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState

ROLLUP_ADDRESS = "0x" + "ab" * 20


class FakeNode:
    """Implements :class:`aztec.stdlib.interfaces.aztec_node.AztecNode`.

    Tests drive it with :meth:`mine` and the ``*_when`` hooks.
    """

    def __init__(
        self,
        world_state: WorldState,
        *,
        base_fee: int = 2,
        block_gas_limit: int = DEFAULT_BLOCK_GAS_LIMIT,
        max_tx_size: int = DEFAULT_MAX_TX_SIZE,
    ) -> None:
        self.world_state = world_state
        self.base_fee = base_fee
        self.block_gas_limit = block_gas_limit
        self.max_tx_size = max_tx_size
        self.validator = TxValidator(
            world_state.committed, NoopTelemetryClient(), max_tx_size=max_tx_size, max_gas_limit=block_gas_limit
        )
        self.ready = True
        self.contracts: dict[str, Fr] = {"token": TOKEN_ADDRESS, "counter": COUNTER_ADDRESS}
        self.pending: dict[Fr, Tx] = {}
        self.receipts: dict[Fr, TxReceipt] = {}
        self.txs: dict[Fr, Tx] = {}
        self.blocks: dict[int, L2Block] = {}
        self.proven = 0
        self.accepted: list[Tx] = []
        """Every tx the pool took, in order."""
        self.forgotten: list[Tx] = []
        """Txs answered with their hash and then forgotten (``forget_when``)."""
        self.largest_pool = 0
        """The most txs the pool held when a block was mined."""
        self.node_info_requests = 0
        self.ready_requests = 0
        # test hooks, each given the tx: a reason to refuse it / a reason to drop it at mining instead of
        # processing it / whether its receipt says reverted / whether to accept it and then forget it
        self.refuse_when: Callable[[Tx], str | None] = lambda tx: None
        self.drop_when: Callable[[Tx], str | None] = lambda tx: None
        self.revert_when: Callable[[Tx], bool] = lambda tx: False
        self.forget_when: Callable[[Tx], bool] = lambda tx: False

    # --- AztecNode ---------------------------------------------------------------------------------

    async def send_tx(self, tx: Tx) -> Fr:
        refusal = self.refuse_when(tx)
        if refusal is not None:
            raise TxRejectedError(refusal, "refused by the test")
        result = self.validator.validate(tx, base_fee_per_gas=self.base_fee)
        if result.reason is not None:
            raise TxRejectedError(result.reason.value, result.detail)
        pooled = {n for pending in self.pending.values() for n in pending.all_nullifiers}
        if pooled.intersection(tx.all_nullifiers):
            raise TxRejectedError("double_spend", "a nullifier of this tx is already in the pool")
        if self.forget_when(tx):
            self.forgotten.append(tx)
            return tx.tx_hash
        self.pending[tx.tx_hash] = tx
        self.txs[tx.tx_hash] = tx
        self.receipts[tx.tx_hash] = TxReceipt(tx.tx_hash, TxStatus.PENDING)
        self.accepted.append(tx)
        return tx.tx_hash

    async def send_tx_bytes(self, data: bytes) -> Fr:
        try:
            tx = Tx.from_bytes(data, max_size=self.validator.max_tx_size)
        except TxTooLargeError as error:
            raise TxRejectedError("too_large", str(error)) from None
        except TxDecodeError as error:
            raise TxRejectedError("malformed", str(error)) from None
        return await self.send_tx(tx)

    async def get_tx_receipt(self, tx_hash: Fr) -> TxReceipt:
        return self.receipts.get(tx_hash, TxReceipt(tx_hash, TxStatus.UNKNOWN))

    async def get_tx_by_hash(self, tx_hash: Fr) -> Tx | None:
        return self.txs.get(tx_hash)

    async def get_block_number(self) -> int:
        return self.world_state.committed_block_number

    async def get_proven_block_number(self) -> int:
        return self.proven

    async def get_block(self, number: int) -> L2Block | None:
        return self.blocks.get(number)

    async def get_public_storage_at(self, slot: Fr) -> Fr:
        return self.world_state.committed.read_public(slot)

    async def get_node_info(self) -> NodeInfo:
        self.node_info_requests += 1
        return NodeInfo(
            version="0.0.0-test",
            role="sequencer",
            l1_chain_id=31337,
            rollup_address=ROLLUP_ADDRESS,
            base_fee_per_gas=self.base_fee,
            block_gas_limit=self.block_gas_limit,
            max_tx_size=self.max_tx_size,
            contracts=dict(self.contracts),
        )

    async def is_ready(self) -> bool:
        self.ready_requests += 1
        return self.ready

    # --- test hooks --------------------------------------------------------------------------------

    def mine(self) -> L2Block | None:
        """Process every pending tx into a new block (None when the pool is empty)."""
        if not self.pending:
            return None
        number = self.world_state.committed_block_number + 1
        variables = GlobalVariables(
            block_number=number, timestamp=1_700_000_000 + number, base_fee_per_gas=self.base_fee
        )
        previous_archive = self.world_state.committed.get_snapshot(TreeId.ARCHIVE).root
        self.largest_pool = max(self.largest_pool, len(self.pending))
        txs, self.pending = list(self.pending.values()), {}
        for tx in list(txs):
            reason = self.drop_when(tx)
            if reason is not None:
                txs.remove(tx)
                self.receipts[tx.tx_hash] = TxReceipt(tx.tx_hash, TxStatus.DROPPED, reason=reason)
        if not txs:
            return None
        with self.world_state.fork() as fork:
            result = PublicProcessor(fork, variables, NoopTelemetryClient()).process(txs)
            effects = [processed.effect for processed in result.processed]
            header = BlockHeader.build(previous_archive, fork.get_state_reference(), variables, effects)
            fork.append_leaves(TreeId.ARCHIVE, [header.hash()])
            block = L2Block(header, fork.get_snapshot(TreeId.ARCHIVE).root, tuple(effects))
            fork.commit(number)
        self.blocks[number] = block
        for effect in effects:
            reverted = effect.reverted or self.revert_when(self.txs[effect.tx_hash])
            self.receipts[effect.tx_hash] = TxReceipt(effect.tx_hash, TxStatus.MINED, number, reverted, effect.fee)
        for failed in result.failed:
            self.receipts[failed.tx.tx_hash] = TxReceipt(
                failed.tx.tx_hash, TxStatus.DROPPED, reason=failed.reason.value
            )
        return block

    def drop(self, tx_hash: Fr, reason: str = "invalid") -> None:
        del self.pending[tx_hash]
        self.receipts[tx_hash] = TxReceipt(tx_hash, TxStatus.DROPPED, reason=reason)

    def prove(self) -> None:
        self.proven = self.world_state.committed_block_number


@contextlib.asynccontextmanager
async def mining(node: FakeNode, interval_s: float = 0.05) -> AsyncIterator[None]:
    """Mine a block every ``interval_s`` (a simulated block time) while the context is open."""

    async def loop() -> None:
        while True:
            node.mine()
            await asyncio.sleep(interval_s)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
