"""The genesis (block 0) state roots, known before any database exists."""

from __future__ import annotations

from aztec.foundation.fields import Fr
from aztec.world_state.depths import ZERO_HASHES, TreeDepths


def genesis_archive_root(depths: TreeDepths | None = None) -> Fr:
    """The empty archive tree's root: what the L1 rollup contract starts from."""
    return ZERO_HASHES[(depths or TreeDepths()).archive]
