"""Shared pieces for the node-service tests: a development L1 in a tmp dir,
proposing real L2 blocks, signed token txs, and a sequencer's parts (world state, pool, publisher)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Final

from aztec.foundation.fields import Fr
from aztec.l1 import DEV_PROVER_ADDRESS, DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config, L1Publisher, L1TxRequest
from aztec.l1.rollup import encode_propose, encode_submit_proof
from aztec.p2p import TxPool, TxPoolConfig
from aztec.prover import ProvenBlock
from aztec.sequencer.config import SequencerConfig
from aztec.sequencer.sequencer import BlockProver, Sequencer
from aztec.simulator import TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.tx.tx import Tx, call
from aztec.telemetry.api import TelemetryClient
from aztec.world_state import WorldState
from aztec.world_state.genesis import genesis_archive_root

FEE: Final = 100_000
"""A max fee per gas above any L2 base fee the tests reach (the L1's 1 gwei start gives 1,000)."""


def open_chain(path: Path, *, block_time_s: float = 0.02, block_gas_limit: int | None = None) -> DevL1Chain:
    """A development L1 whose rollup starts at the world state's genesis (mine it, or ``start`` it)."""
    config = DevL1Config(block_time_s=block_time_s)
    if block_gas_limit is not None:
        config = dataclasses.replace(config, block_gas_limit=block_gas_limit)
    return DevL1Chain.open(path, genesis_archive_root(), config)


def propose(chain: DevL1Chain, block: L2Block) -> str:
    """Send ``block``'s proposal to the rollup (included by the next mined block); the L1 tx hash."""
    return chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, chain.rollup_address, encode_propose(block)))


def submit_proof(chain: DevL1Chain, number: int, proven: ProvenBlock) -> str:
    data = encode_submit_proof(number, proven.outputs, proven.proof.data)
    return chain.send_transaction_sync(L1TxRequest(DEV_PROVER_ADDRESS, chain.rollup_address, data))


def mint_tx(wallet: Wallet, amount: int = 100, *, max_fee_per_gas: int = FEE, nullifiers: tuple[Fr, ...] = ()) -> Tx:
    """A signed transaction minting ``amount`` tokens to the wallet's own address."""
    return wallet.create_tx(
        app_logic=(call(TOKEN_ADDRESS, "mint", wallet.address, amount),),
        nullifiers=nullifiers,
        max_fee_per_gas=max_fee_per_gas,
    )


def new_wallet() -> Wallet:
    return Wallet(Account.generate())


class SequencerParts:
    """A sequencer on real parts in ``directory``: LMDB world state and pool, an L1 publisher, the loop."""

    def __init__(
        self,
        directory: Path,
        chain: DevL1Chain,
        telemetry: TelemetryClient,
        config: SequencerConfig,
        *,
        sender: str = DEV_PUBLISHER_ADDRESS,
        world_state: WorldState | None = None,
        publish_timeout_s: float = 10.0,
        state_lock: asyncio.Lock | None = None,
        prover: BlockProver | None = None,
    ) -> None:
        self._owns_world_state = world_state is None
        self.world_state = world_state or WorldState.open(directory / "world_state", telemetry)
        self.pool = TxPool.open(directory / "pool", self.world_state.committed, telemetry, TxPoolConfig(fsync=False))
        self.publisher = L1Publisher(chain, sender, telemetry, timeout_s=publish_timeout_s, poll_interval_s=0.005)
        self.lock = state_lock or asyncio.Lock()
        self.sequencer = Sequencer(
            self.world_state,
            self.pool,
            self.publisher,
            chain,
            telemetry,
            config,
            state_lock=self.lock,
            prover=prover,
        )

    def close(self) -> None:
        self.publisher.close()
        self.pool.close()
        if self._owns_world_state:
            self.world_state.close()
