"""Helpers of the tx-pool tests: the pool opener's type, a settable clock, accounts, and committing nullifiers
to the world state."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aztec.foundation.fields import Fr
from aztec.p2p import TxPool
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.tx.tx import Tx
from aztec.world_state import WorldState

OpenPool = Callable[..., TxPool]
"""The ``open_pool`` fixture: ``open_pool(telemetry=None, **config)`` opens a pool (closed after the test)."""

BASE_FEE = 5
ALICE = Account.from_seed(b"a" * 32)
BOB = Account.from_seed(b"b" * 32)


class FakeClock:
    """A clock the test moves by hand: arrival times and mined delays become exact."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def account(index: int) -> Account:
    """A deterministic account per index (distinct from ALICE and BOB)."""
    return Account.from_seed(index.to_bytes(4, "big") + b"\x07" * 28)


def tx_paying(fee: int, *, sender: int = 0, nonce: int = 0, nullifiers: Sequence[Fr] = ()) -> Tx:
    """A signed tx with ``max_fee_per_gas=fee`` from account ``sender``."""
    return account(sender).create_tx(nonce, max_fee_per_gas=fee, nullifiers=nullifiers)


def wallet(owner: Account = ALICE) -> Wallet:
    return Wallet(owner)


def commit_nullifiers(world_state: WorldState, nullifiers: Sequence[Fr], block_number: int) -> None:
    """Commit a block that only inserts ``nullifiers``."""
    fork = world_state.fork()
    fork.insert_nullifiers(list(nullifiers))
    fork.commit(block_number)
