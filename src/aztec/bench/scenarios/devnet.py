"""A development network for the scenarios: a DevL1Chain and a sequencer node's parts, in one directory.

The sequencer's parts come in two lanes over one world state, one L1 and one state lock:

- the *setup* lane (pool, publisher, sequencer) records to the no-op client: it funds senders, so that
  setup blocks never show in a scenario's numbers;
- the *measured* lane records to the clients a scenario chooses in :class:`MeasuredTelemetry` (no-op
  unless the scenario measures that component), and keeps every block it builds with its proving input.

The world state always records to the no-op client: the world-state and node-sync scenarios measure
their own. Blocks are built the way the node builds them: transactions enter a pool (decoded and
validated from their bytes), then :meth:`Sequencer.run_slot` processes them on a fork, closes the block,
publishes it to the L1 and commits it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from aztec.bench.scenarios.base import scaled
from aztec.bench.scenarios.transfers import TX_GAS_LIMIT, TransferTraffic
from aztec.l1.dev_chain import DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config
from aztec.l1.publisher import L1Publisher
from aztec.p2p.config import TxPoolConfig
from aztec.p2p.tx_pool import TxPool
from aztec.sequencer.config import SequencerConfig
from aztec.sequencer.sequencer import Sequencer
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT
from aztec.stdlib.gas.fees import l2_base_fee
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state.genesis import genesis_archive_root
from aztec.world_state.world_state import WorldState

BLOCK_SIZES: Final = (4, 16, 32, 64)
"""Transactions per block at scale 1 (the block-building and transactions scenarios)."""


def block_sizes(scale: float) -> list[int]:
    """The block sizes of a run at ``scale``."""
    return [scaled(size, scale) for size in BLOCK_SIZES]


L1_BLOCK_TIME_S: Final = 0.01
"""The development L1 mines every 10 ms, so publishing waits little."""
PUBLISH_POLL_INTERVAL_S: Final = 0.005
FEE_MARGIN: Final = 2
"""Transactions offer twice the current L2 base fee (the idle L1's base fee only falls)."""
MAX_SETUP_SLOTS: Final = 100


class DevnetError(RuntimeError):
    """The development network did not do what a scenario needs (a rejected tx, a short block)."""


@dataclass(frozen=True)
class MeasuredTelemetry:
    """The client each component of the measured lane records to."""

    sequencer: TelemetryClient = field(default_factory=NoopTelemetryClient)
    """The sequencer, and the public processor it builds blocks with."""
    pool: TelemetryClient = field(default_factory=NoopTelemetryClient)
    """The tx pool, and the tx validator it admits transactions with."""
    publisher: TelemetryClient = field(default_factory=NoopTelemetryClient)


@dataclass(frozen=True)
class BuiltBlock:
    block: L2Block
    proving_input: BlockProvingInput


class _BlockKeeper:
    """The measured lane's :class:`~aztec.sequencer.sequencer.BlockProver`: keeps every published block."""

    def __init__(self, built: list[BuiltBlock]) -> None:
        self._built = built

    def block_built(self, job: BlockProvingInput) -> None:
        """Nothing to persist: a scenario that fails is run again from the start."""

    def block_discarded(self, block_number: int) -> None:
        """Nothing was kept before publishing."""

    async def block_published(self, job: BlockProvingInput, block: L2Block) -> None:
        self._built.append(BuiltBlock(block, job))


class _Lane:
    """A pool, a publisher and a sequencer that builds blocks from that pool."""

    def __init__(self, pool: TxPool, publisher: L1Publisher, sequencer: Sequencer) -> None:
        self.pool = pool
        self.publisher = publisher
        self.sequencer = sequencer

    def close(self) -> None:
        self.publisher.close()
        self.pool.close()


class Devnet:
    """Open with :meth:`open` (an async context manager); see the module docstring."""

    def __init__(self, l1: DevL1Chain, world_state: WorldState) -> None:
        self.l1 = l1
        self.world_state = world_state
        self.built: list[BuiltBlock] = []
        """Every block the measured lane built, in order."""
        self._lock = asyncio.Lock()
        self._setup: _Lane | None = None
        self._measured: _Lane | None = None

    @classmethod
    @asynccontextmanager
    async def open(
        cls, directory: Path, measured: MeasuredTelemetry | None = None, *, max_block_size: int = 64
    ) -> AsyncIterator[Devnet]:
        """A network in ``directory`` whose blocks take up to ``max_block_size`` transactions."""
        measured = measured or MeasuredTelemetry()
        noop = NoopTelemetryClient()
        config = SequencerConfig(
            max_txs_per_block=max_block_size,
            block_gas_limit=max(DEFAULT_BLOCK_GAS_LIMIT, max_block_size * TX_GAS_LIMIT),
        )
        async with AsyncExitStack() as stack:
            world_state = stack.enter_context(WorldState.open(directory / "world_state", noop))
            l1_config = DevL1Config(block_time_s=L1_BLOCK_TIME_S)
            l1 = DevL1Chain.open(directory / "l1.sqlite", genesis_archive_root(), l1_config)
            stack.callback(l1.close)
            await l1.start()
            stack.push_async_callback(l1.stop)
            devnet = cls(l1, world_state)
            devnet._setup = devnet._lane(directory / "setup_pool", config, noop, noop, noop, record=False)
            stack.callback(devnet._setup.close)
            devnet._measured = devnet._lane(
                directory / "pool", config, measured.pool, measured.publisher, measured.sequencer, record=True
            )
            stack.callback(devnet._measured.close)
            yield devnet

    def _lane(
        self,
        directory: Path,
        config: SequencerConfig,
        pool_telemetry: TelemetryClient,
        publisher_telemetry: TelemetryClient,
        sequencer_telemetry: TelemetryClient,
        *,
        record: bool,
    ) -> _Lane:
        pool = TxPool.open(directory, self.world_state.committed, pool_telemetry, TxPoolConfig(fsync=False))
        publisher = L1Publisher(
            self.l1, DEV_PUBLISHER_ADDRESS, publisher_telemetry, poll_interval_s=PUBLISH_POLL_INTERVAL_S
        )
        sequencer = Sequencer(
            self.world_state,
            pool,
            publisher,
            self.l1,
            sequencer_telemetry,
            config,
            state_lock=self._lock,
            prover=_BlockKeeper(self.built) if record else None,
        )
        return _Lane(pool, publisher, sequencer)

    async def base_fee(self) -> int:
        """The L2 base fee now (it follows the L1's)."""
        return l2_base_fee(await self.l1.get_base_fee())

    async def max_fee_per_gas(self) -> int:
        """What a transaction should offer now: :data:`FEE_MARGIN` times the L2 base fee."""
        return FEE_MARGIN * await self.base_fee()

    async def fund(self, traffic: TransferTraffic) -> None:
        """Mint every sender's balance in setup blocks (unrecorded)."""
        lane = self._lane_of(self._setup)
        _submit(lane.pool, traffic.funding_txs(await self.max_fee_per_gas()), await self.base_fee())
        for _ in range(MAX_SETUP_SLOTS):
            if lane.pool.pending_count == 0:
                return
            await lane.sequencer.run_slot()
        raise DevnetError(f"{lane.pool.pending_count} funding transactions still pending after {MAX_SETUP_SLOTS} slots")

    async def build_block(self, txs: Sequence[Tx]) -> L2Block:
        """A block of exactly ``txs``, built, published and committed by the measured lane."""
        lane = self._lane_of(self._measured)
        _submit(lane.pool, txs, await self.base_fee())
        block = await lane.sequencer.run_slot()
        if block is None or len(block.body) != len(txs):
            got = "no block" if block is None else f"a block of {len(block.body)}"
            raise DevnetError(f"the sequencer built {got} from {len(txs)} pending transactions")
        return block

    @staticmethod
    def _lane_of(lane: _Lane | None) -> _Lane:
        if lane is None:
            raise DevnetError("the devnet is not open")
        return lane


def _submit(pool: TxPool, txs: Sequence[Tx], base_fee: int) -> None:
    """Add ``txs`` to ``pool`` as received from the network (bytes); every one must be accepted."""
    for tx in txs:
        result = pool.add_tx_bytes(tx.to_bytes(), base_fee_per_gas=base_fee)
        if not result.ok:
            raise DevnetError(f"tx {tx.tx_hash:#x} was rejected: {result.reason}: {result.detail}")
