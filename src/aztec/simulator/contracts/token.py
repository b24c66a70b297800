"""A fungible token with public balances (a test token: anyone may mint)."""

from __future__ import annotations

from typing import Final

from aztec.foundation.fields import Fr
from aztec.simulator.contracts.base import PublicContract, public
from aztec.simulator.contracts.context import CallContext

MAX_AMOUNT: Final = 2**128 - 1
"""Amounts, balances and the total supply are u128, as in Aztec's token."""


class Token(PublicContract):
    """Storage: ``balances[owner]`` and ``total_supply``."""

    contract_name = "Token"

    @public
    def mint(self, ctx: CallContext, to: Fr, amount: Fr) -> None:
        ctx.require(amount <= MAX_AMOUNT, f"mint amount {amount} exceeds u128")
        supply = ctx.read("total_supply") + amount
        ctx.require(supply <= MAX_AMOUNT, "total supply would exceed u128")
        ctx.write("total_supply", supply)
        ctx.write("balances", ctx.read("balances", to) + amount, key=to)

    @public
    def transfer(self, ctx: CallContext, to: Fr, amount: Fr) -> None:
        """Move ``amount`` from the caller to ``to``; reverts on insufficient balance."""
        ctx.require(amount <= MAX_AMOUNT, f"transfer amount {amount} exceeds u128")
        balance = ctx.read("balances", ctx.sender)
        ctx.require(balance >= amount, f"insufficient balance: has {balance}, transfers {amount}")
        ctx.write("balances", balance - amount, key=ctx.sender)
        ctx.write("balances", ctx.read("balances", to) + amount, key=to)

    @public
    def balance_of(self, ctx: CallContext, owner: Fr) -> Fr:
        return ctx.read("balances", owner)

    @public
    def total_supply(self, ctx: CallContext) -> Fr:
        return ctx.read("total_supply")
