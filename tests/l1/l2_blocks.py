"""Real L2 blocks for the L1 tests: signed txs run by the public processor on a real world state, the
header built from the resulting roots, the block hash appended to the archive, and (on request) the
block proven up to the root rollup by the test prover."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aztec.block_builder.builder import close_block
from aztec.foundation.fields import Fr
from aztec.prover import ProvenBlock, ProvingOrchestrator, ProvingQueue, TestCircuitProver
from aztec.simulator.contracts import COUNTER_ADDRESS
from aztec.simulator.processor import PublicProcessor
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.tx import call
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState

BASE_FEE = 2


@dataclass(frozen=True, slots=True)
class BuiltBlock:
    block: L2Block
    proving_input: BlockProvingInput


class L2BlockBuilder:
    """Builds consecutive blocks on its own world state (a sequencer in miniature)."""

    def __init__(self, directory: Path) -> None:
        self._telemetry = NoopTelemetryClient()
        self.world_state = WorldState.open(directory, self._telemetry)
        self._wallet = Wallet(Account.from_seed(b"l1-tests".ljust(32, b"\0")))
        self._orchestrator = ProvingOrchestrator(
            TestCircuitProver(self._telemetry), ProvingQueue(self._telemetry), self._telemetry
        )

    @property
    def archive_root(self) -> Fr:
        """The committed archive root (before the first block: the genesis root the L1's rollup starts from)."""
        return self.world_state.committed.get_snapshot(TreeId.ARCHIVE).root

    def build(self, num_txs: int = 2) -> BuiltBlock:
        number = self.world_state.committed_block_number + 1
        with self.world_state.fork() as fork:
            variables = GlobalVariables(number, 1_700_000_000 + number, BASE_FEE)
            txs = [
                self._wallet.create_tx(app_logic=[call(COUNTER_ADDRESS, "increment")], note_hashes=[number * 100 + i])
                for i in range(num_txs)
            ]
            result = PublicProcessor(fork, variables, self._telemetry).process(txs)
            assert not result.failed, result.failed
            proving_input = close_block(fork, variables, result.processed)
            effects = tuple(tx.effect for tx in result.processed)
            block = L2Block(proving_input.header, fork.get_snapshot(TreeId.ARCHIVE).root, effects)
            fork.commit(number)
        return BuiltBlock(block, proving_input)

    async def prove(self, built: BuiltBlock) -> ProvenBlock:
        return await self._orchestrator.prove_block(built.proving_input)

    def close(self) -> None:
        self.world_state.close()
