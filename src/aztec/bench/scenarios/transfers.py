"""Token transfer traffic for the scenarios: deterministic senders, their funding, and signed transfers.

Senders are derived from fixed seeds, so every run sends the same transactions (same sizes, same gas).
A funder mints each sender a balance (eight mints per funding transaction); each sender then sends one
transfer at a time, with its next nonce, to the next sender in a ring.
"""

from __future__ import annotations

import hashlib
from typing import Final

from aztec.simulator.contracts.registry import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.tx.tx import MAX_CALLS_PER_PHASE, Tx, call

TX_GAS_LIMIT: Final = 100_000
"""Per transaction: a transfer uses about 24,000 gas, one with setup and teardown calls about 40,000."""
FUNDING_GAS_LIMIT: Final = 500_000
"""Per funding transaction (eight mints)."""
FUNDING: Final = 10**12
"""Each sender's starting balance."""
AMOUNT: Final = 1
"""Each transfer's amount."""


def _account(label: str) -> Account:
    return Account.from_seed(hashlib.sha256(f"aztec-bench/{label}".encode()).digest())


class TransferTraffic:
    """``senders`` funded accounts that send token transfers; blocks of up to ``senders`` transfers."""

    def __init__(self, senders: int) -> None:
        if senders < 1:
            raise ValueError(f"transfer traffic needs at least 1 sender, got {senders}")
        self.funder = Wallet(_account("funder"))
        self.senders = [Wallet(_account(f"sender-{index}")) for index in range(senders)]

    def funding_txs(self, max_fee_per_gas: int) -> list[Tx]:
        """Mints of :data:`FUNDING` to every sender, eight per transaction; include them before any transfer."""
        return [
            self.funder.create_tx(
                app_logic=[call(TOKEN_ADDRESS, "mint", wallet.address, FUNDING) for wallet in batch],
                gas_limit=FUNDING_GAS_LIMIT,
                max_fee_per_gas=max_fee_per_gas,
            )
            for batch in _chunks(self.senders, MAX_CALLS_PER_PHASE)
        ]

    def transfers(self, count: int, max_fee_per_gas: int, *, with_setup_and_teardown: bool = False) -> list[Tx]:
        """One transfer from each of the first ``count`` senders to the next sender.

        ``with_setup_and_teardown``: every third transaction also increments the counter in a setup phase and
        every third (another) in a teardown phase, so proving needs every public kernel circuit.
        """
        if not 1 <= count <= len(self.senders):
            raise ValueError(f"a batch takes 1 to {len(self.senders)} transfers (one per sender), got {count}")
        txs = []
        for index, wallet in enumerate(self.senders[:count]):
            recipient = self.senders[(index + 1) % len(self.senders)].address
            kind = index % 3 if with_setup_and_teardown else 0
            txs.append(
                wallet.create_tx(
                    setup=[call(COUNTER_ADDRESS, "increment")] if kind == 1 else [],
                    app_logic=[call(TOKEN_ADDRESS, "transfer", recipient, AMOUNT)],
                    teardown=[call(COUNTER_ADDRESS, "increment")] if kind == 2 else [],
                    gas_limit=TX_GAS_LIMIT,
                    max_fee_per_gas=max_fee_per_gas,
                )
            )
        return txs


def _chunks(wallets: list[Wallet], size: int) -> list[list[Wallet]]:
    return [wallets[start : start + size] for start in range(0, len(wallets), size)]
