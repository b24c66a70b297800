"""``AztecNodeService``: one node's components, wired with one telemetry client, behind the node API."""

from __future__ import annotations

import asyncio
import logging

from aztec.archiver.archiver import Archiver
from aztec.archiver.block_store import BlockStore
from aztec.foundation.fields import Fr
from aztec.foundation.timer import Timer
from aztec.l1.client import L1Client
from aztec.l1.publisher import L1Publisher
from aztec.node.config import NodeConfig
from aztec.node.instrumentation import NodeInstrumentation
from aztec.p2p.config import TxPoolConfig
from aztec.p2p.results import PoolTxStatus
from aztec.p2p.tx_pool import TxPool
from aztec.prover_node.stack import ProverStack
from aztec.sequencer.sequencer import Sequencer
from aztec.simulator.contracts.registry import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT
from aztec.stdlib.gas.fees import l2_base_fee
from aztec.stdlib.interfaces.aztec_node import NodeInfo, TxReceipt, TxRejectedError, TxStatus
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry import TelemetryClient
from aztec.world_state.synchronizer import WorldStateSynchronizer
from aztec.world_state.world_state import WorldState

_log = logging.getLogger(__name__)

VERSION = "0.1.0"
READINESS_L1_TIMEOUT_S = 2.0
READINESS_MAX_LAG_BLOCKS = 2
"""``/readyz`` tolerates this many blocks between L1, the archiver and the world state (a block in flight)."""


class AztecNodeService:
    """Implements :class:`aztec.stdlib.interfaces.aztec_node.AztecNode`.

    Build with :meth:`create`, then ``start``/``stop``.
    """

    def __init__(
        self,
        config: NodeConfig,
        telemetry: TelemetryClient,
        l1: L1Client,
        world_state: WorldState,
        pool: TxPool,
        archiver: Archiver,
        publisher: L1Publisher | None,
    ) -> None:
        self.config = config
        self.telemetry = telemetry
        self.l1 = l1
        self.world_state = world_state
        self.pool = pool
        self.archiver = archiver
        self.publisher = publisher
        self._lock = asyncio.Lock()
        self.synchronizer = WorldStateSynchronizer(
            world_state, archiver, self._lock, telemetry.get_tracer("WorldStateSynchronizer")
        )
        archiver.on_block(self._on_archived_block)
        self._instrumentation = NodeInstrumentation(telemetry)
        self.sequencer: Sequencer | None = None
        self._prover: ProverStack | None = None
        self._chain_id = 0
        self.mined_txs = 0
        """Transactions in blocks this node has archived since it started (for throughput figures)."""

    @classmethod
    def create(
        cls, config: NodeConfig, telemetry: TelemetryClient, l1: L1Client, publisher_sender: str
    ) -> AztecNodeService:
        """Open the node's databases under ``config.data_dir`` (created if missing)."""
        data = config.data_dir
        data.mkdir(parents=True, exist_ok=True)
        world_state = WorldState.open(data / "world_state", telemetry, map_size=config.world_state_map_size)
        pool = TxPool.open(
            data / "tx_pool",
            world_state.committed,
            telemetry,
            TxPoolConfig(
                max_pending_txs=config.tx_pool_max_txs,
                # A tx asking for more gas than a block holds could never be mined.
                max_gas_limit=config.sequencer.block_gas_limit if config.sequencer else DEFAULT_BLOCK_GAS_LIMIT,
            ),
        )
        archiver = Archiver(
            l1, BlockStore(data / "archiver"), telemetry, poll_interval_s=config.archiver_poll_interval_s
        )
        publisher = None
        if config.sequencer is not None:
            publisher = L1Publisher(l1, publisher_sender, telemetry, timeout_s=config.sequencer.publish_timeout_s)
        return cls(config, telemetry, l1, world_state, pool, archiver, publisher)

    async def start(self) -> None:
        """Catch up with L1, then follow it (and sequence and prove, if configured)."""
        self._chain_id = await self.l1.get_chain_id()
        await self.archiver.sync_once()
        await self.synchronizer.catch_up()
        self.pool.evict_spent(self.world_state.committed)
        self.archiver.start()
        if self.config.sequencer is not None and self.publisher is not None:
            prover_node = None
            if self.config.prover is not None:
                self._prover = await ProverStack.start(
                    self.config.prover, self.telemetry, self.l1, self.config.data_dir / "prover_jobs"
                )
                prover_node = self._prover.node
            self.sequencer = Sequencer(
                self.world_state,
                self.pool,
                self.publisher,
                self.l1,
                self.telemetry,
                self.config.sequencer,
                state_lock=self._lock,
                prover=prover_node,
            )
            self.sequencer.start()

    async def stop(self) -> None:
        """Stop sequencing and proving, then following; close the databases (committed data is kept)."""
        if self.sequencer is not None:
            await self.sequencer.stop()
        if self._prover is not None:
            await self._prover.stop()
        await self.archiver.stop()
        async with self._lock:
            self.pool.close()
            await self.archiver.close()
            self.world_state.close()
        if self.publisher is not None:
            self.publisher.close()

    async def _on_archived_block(self, block: L2Block) -> None:
        """Every archived block's txs leave the pool, by the path the sequencer takes for its own blocks
        (:meth:`TxPool.handle_mined_block`); a follower has only this one."""
        self.mined_txs += len(block.body)
        self.pool.handle_mined_block(block, self.world_state.committed)

    # --- the node API --------------------------------------------------------------------------------

    async def current_base_fee(self) -> int:
        return l2_base_fee(await self.l1.get_base_fee())

    async def send_tx(self, tx: Tx) -> Fr:
        timer = Timer()
        result = self.pool.add_tx(tx, base_fee_per_gas=await self.current_base_fee())
        self._instrumentation.record_receive(timer.s(), result.ok)
        if not result.ok:
            reason = str(result.reason)
            raise TxRejectedError(reason, f"transaction rejected: {reason}: {result.detail}")
        return tx.tx_hash

    async def send_tx_bytes(self, data: bytes) -> Fr:
        timer = Timer()
        result = self.pool.add_tx_bytes(data, base_fee_per_gas=await self.current_base_fee())
        self._instrumentation.record_receive(timer.s(), result.ok)
        if not result.ok or result.tx is None:
            reason = str(result.reason)
            raise TxRejectedError(reason, f"transaction rejected: {reason}: {result.detail}")
        return result.tx.tx_hash

    async def get_tx_receipt(self, tx_hash: Fr) -> TxReceipt:
        location = self.archiver.get_tx(tx_hash)
        if location is not None:
            if location.block_number > self.world_state.committed_block_number:
                # Archived but not yet applied: "mined" must mean this node's state (storage reads, nonce
                # checks on new txs) already includes the tx.
                return TxReceipt(tx_hash, TxStatus.PENDING)
            proven = location.block_number <= self.archiver.get_proven_block_number()
            return TxReceipt(
                tx_hash,
                TxStatus.PROVEN if proven else TxStatus.MINED,
                block_number=location.block_number,
                reverted=location.effect.reverted,
                fee=location.effect.fee,
            )
        lookup = self.pool.get_status(tx_hash)
        if lookup.status is PoolTxStatus.PENDING:
            return TxReceipt(tx_hash, TxStatus.PENDING)
        if lookup.status is PoolTxStatus.DROPPED:
            return TxReceipt(tx_hash, TxStatus.DROPPED, reason=lookup.reason)
        return TxReceipt(tx_hash, TxStatus.UNKNOWN)

    async def get_tx_by_hash(self, tx_hash: Fr) -> Tx | None:
        """A pending tx, or a mined one this node received (the pool keeps recently mined txs)."""
        return self.pool.get_tx(tx_hash)

    async def get_block_number(self) -> int:
        return self.archiver.get_block_number()

    async def get_proven_block_number(self) -> int:
        return self.archiver.get_proven_block_number()

    async def get_block(self, number: int) -> L2Block | None:
        return self.archiver.get_block(number)

    async def get_public_storage_at(self, slot: Fr) -> Fr:
        return self.world_state.committed.read_public(slot)

    async def get_node_info(self) -> NodeInfo:
        return NodeInfo(
            version=VERSION,
            role=self.config.role_name,
            l1_chain_id=self._chain_id,
            rollup_address=self.l1.rollup_address,
            base_fee_per_gas=await self.current_base_fee(),
            block_gas_limit=self.pool.config.max_gas_limit,
            max_tx_size=self.pool.config.max_tx_size,
            contracts={"token": TOKEN_ADDRESS, "counter": COUNTER_ADDRESS},
        )

    async def is_ready(self) -> bool:
        """Synced to L1's pending chain, and no block failed to apply (see the synchronizer)."""
        if self.synchronizer.diverged is not None:
            return False
        return self.world_state.committed_block_number >= await self.l1.get_pending_block_number()

    async def readiness(self) -> dict[str, bool]:
        """The checks of ``GET /readyz``: L1 answers, the archiver has L1's chain, the state is not behind."""
        try:
            pending = await asyncio.wait_for(self.l1.get_pending_block_number(), READINESS_L1_TIMEOUT_S)
        except Exception:  # unreachable, slow or failing: not ready, and the other checks cannot be made
            return {"l1Reachable": False, "synced": False, "notBehind": False}
        archived = self.archiver.get_block_number()
        committed = self.world_state.committed_block_number
        return {
            "l1Reachable": True,
            "synced": archived + READINESS_MAX_LAG_BLOCKS >= pending,
            "notBehind": self.synchronizer.diverged is None and committed + READINESS_MAX_LAG_BLOCKS >= archived,
        }

    def status(self) -> dict[str, int]:
        """Figures for the sandbox's status screen."""
        return {
            "block": self.archiver.get_block_number(),
            "proven": self.archiver.get_proven_block_number(),
            "pool": self.pool.pending_count,
            "proving_queue": self._prover.queue.size() if self._prover is not None else 0,
        }
