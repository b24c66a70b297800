"""A counter: one public value that anyone can increment."""

from __future__ import annotations

from aztec.foundation.fields import Fr
from aztec.simulator.contracts.base import PublicContract, public
from aztec.simulator.contracts.context import CallContext


class Counter(PublicContract):
    """Storage: ``count``."""

    contract_name = "Counter"

    @public
    def increment(self, ctx: CallContext) -> Fr:
        """Add one; returns the new count."""
        count = ctx.read("count") + 1
        ctx.write("count", count)
        return count

    @public
    def get(self, ctx: CallContext) -> Fr:
        return ctx.read("count")

    @public
    def assert_count(self, ctx: CallContext, expected: Fr) -> None:
        """Revert unless the count is ``expected`` (to make a phase revert on purpose)."""
        count = ctx.read("count")
        ctx.require(count == expected, f"count is {count}, expected {expected}")
