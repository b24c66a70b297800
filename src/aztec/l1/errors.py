"""Errors an :class:`~aztec.l1.client.L1Client` raises: everything L1-side is an :class:`L1Error`.

A transaction that is included but whose call fails is *not* an error: it has a receipt whose status
is failed, with the revert reason. These errors are for what never reaches a block.
"""

from __future__ import annotations


class L1Error(Exception):
    """Something went wrong talking to the L1 (a JSON-RPC client wraps its network errors in this too)."""


class InvalidTransactionError(L1Error):
    """A transaction was refused at submission: malformed address, gas limit out of range, ..."""


class InsufficientFundsError(InvalidTransactionError):
    """The sender cannot pay for the transaction's maximum cost (and the value it sends)."""

    def __init__(self, sender: str, balance: int, required: int) -> None:
        super().__init__(
            f"insufficient funds: {sender} has {balance} wei available (after its pending transactions), "
            f"the transaction may cost up to {required} wei"
        )
        self.sender = sender
        self.balance = balance
        self.required = required


class L1TimeoutError(L1Error):
    """A transaction was not included before the deadline (it may still be included later)."""


class ChainMismatchError(L1Error):
    """A chain file was reopened with a genesis (chain id, L2 genesis archive root) other than its own."""


class ChainClosedError(L1Error):
    """The development chain was closed."""
