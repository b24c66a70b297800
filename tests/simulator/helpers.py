"""Shared test helpers: accounts, running transactions, reading contract state."""

from __future__ import annotations

from aztec.foundation.fields import Fr
from aztec.simulator.contracts import ContractRegistry
from aztec.simulator.executor import PublicExecutor
from aztec.simulator.processor import ProcessResult, PublicProcessor
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.interfaces.world_state import WorldStateFork, WorldStateView
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.tx import Tx, call
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.noop import NoopTelemetryClient

ALICE = Account.from_seed(b"a" * 32)
BOB = Account.from_seed(b"b" * 32)
BASE_FEE = 2


def wallet(account: Account = ALICE) -> Wallet:
    return Wallet(account)


def processor(
    fork: WorldStateFork,
    telemetry: TelemetryClient | None = None,
    *,
    base_fee: int = BASE_FEE,
    block_number: int = 1,
    max_gas: int | None = None,
    max_txs: int | None = None,
) -> PublicProcessor:
    return PublicProcessor(
        fork,
        GlobalVariables(block_number=block_number, timestamp=1_700_000_000, base_fee_per_gas=base_fee),
        telemetry or NoopTelemetryClient(),
        max_gas=max_gas,
        max_txs=max_txs,
    )


def run(fork: WorldStateFork, *txs: Tx, base_fee: int = BASE_FEE) -> ProcessResult:
    return processor(fork, base_fee=base_fee).process(txs)


def view_call(state: WorldStateView, contract: Fr, function: str, *args: Fr) -> tuple[Fr, ...]:
    """Return values of a read-only call (raises if it reverts)."""
    result = PublicExecutor(ContractRegistry.with_defaults(), NoopTelemetryClient()).simulate(
        state, call(contract, function, *args)
    )
    assert not result.reverted, result.revert_reason
    return result.returns
