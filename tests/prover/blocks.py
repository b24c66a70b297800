"""Real blocks for the prover tests: transactions run by the public processor on an LMDB world state."""

from __future__ import annotations

from collections.abc import Sequence

from aztec.block_builder.builder import close_block
from aztec.foundation.fields import Fr
from aztec.simulator.contracts.registry import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.simulator.processor import PublicProcessor
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.tx import Tx, call
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState

BASE_FEE = 2


def constants(block_number: int) -> GlobalVariables:
    return GlobalVariables(
        block_number=block_number, timestamp=1_700_000_000 + 12 * block_number, base_fee_per_gas=BASE_FEE
    )


def sample_txs(count: int, *, seed: int = 0) -> list[Tx]:
    """A mix: mints with private side effects, transfers with a setup call, an app-logic revert, a teardown revert."""
    wallet = Wallet(Account.from_seed(bytes([seed % 256]) * 32), next_nonce=seed * 1000)
    me = wallet.address
    txs: list[Tx] = []
    for i in range(count):
        kind = i % 4
        tag = seed * 1000 + i + 1
        if kind == 0:
            txs.append(
                wallet.create_tx(
                    app_logic=[call(TOKEN_ADDRESS, "mint", me, 1_000)],
                    note_hashes=[tag, tag + 10_000],
                    nullifiers=[tag + 20_000],
                )
            )
        elif kind == 1:
            txs.append(
                wallet.create_tx(
                    setup=[call(COUNTER_ADDRESS, "increment")],
                    app_logic=[call(TOKEN_ADDRESS, "transfer", tag, 10), call(TOKEN_ADDRESS, "transfer", tag + 1, 5)],
                )
            )
        elif kind == 2:
            txs.append(
                wallet.create_tx(
                    app_logic=[call(TOKEN_ADDRESS, "transfer", tag, 10**9)],
                    teardown=[call(COUNTER_ADDRESS, "increment")],
                    note_hashes=[tag],
                )
            )
        else:
            txs.append(
                wallet.create_tx(
                    app_logic=[call(COUNTER_ADDRESS, "increment")],
                    teardown=[call(TOKEN_ADDRESS, "transfer", tag, 10**9)],
                )
            )
    return txs


def build_block(
    world_state: WorldState, txs: Sequence[Tx], block_number: int, messages: Sequence[Fr] = (), *, commit: bool = True
) -> BlockProvingInput:
    """Process ``txs`` on a fork, close the block (its hash into the archive) and commit it."""
    fork = world_state.fork()
    try:
        result = PublicProcessor(fork, constants(block_number), NoopTelemetryClient()).process(txs)
        assert not result.failed, result.failed
        block = close_block(fork, constants(block_number), result.processed, messages)
        if commit:
            fork.commit(block_number)
        else:
            fork.rollback()
    except BaseException:
        fork.rollback()
        raise
    return block
