"""The L2 block source protocol: what the world-state synchronizer needs from the archiver."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from aztec.stdlib.block.l2_block import L2Block

BlockListener = Callable[[L2Block], Awaitable[None]]
"""Called with each new block, in order."""


class L2BlockSource(Protocol):
    """Blocks in order as they arrive, the stored ones by number, and a replay of the stored ones."""

    def on_block(self, listener: BlockListener) -> None:
        """Call ``listener`` for every new block, in order, after it is stored."""
        ...

    async def replay_to(self, listener: BlockListener, from_block: int) -> None:
        """Call ``listener`` for stored blocks from ``from_block`` on (catch-up after a restart)."""
        ...

    def get_block(self, number: int) -> L2Block | None: ...
