"""Commits blocks in a loop until killed; prints each committed block number (run by test_crash)."""

from __future__ import annotations

import sys
from pathlib import Path

from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.world_state.blocks import block_effects, block_hash

CRASH_TXS = 8
"""Transactions per block: enough that a commit takes long enough to be interrupted."""


def main() -> None:
    with WorldState.open(Path(sys.argv[1]), NoopTelemetryClient()) as world_state:
        block = world_state.committed_block_number
        while True:
            block += 1
            world_state.apply_block(block, block_effects(block, CRASH_TXS), block_hash(block))
            print(block, flush=True)


if __name__ == "__main__":
    main()
