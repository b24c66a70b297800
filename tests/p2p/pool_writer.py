"""A process that changes a pool in a loop until killed; prints each operation once it has returned.

    python -m tests.p2p.pool_writer DIR CAPACITY FSYNC(0|1)

Operation ``k`` (deterministic, see :func:`operation`) adds tx ``k`` paying ``10 + k``, and every fifth
also marks the previous tx mined. ``test_sigkill`` kills it and checks the reopened pool against a model.
"""

from __future__ import annotations

import sys
from itertools import count
from pathlib import Path

from aztec.p2p import TxPool, TxPoolConfig
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.p2p.support import BASE_FEE, tx_paying


def writer_tx(index: int) -> Tx:
    return tx_paying(10 + index, sender=index, nullifiers=[1_000_000 + index])


def operation(step: int) -> tuple[int, int | None]:
    """``(index of the tx added, index of the tx marked mined or None)`` of step ``step``."""
    return step, (step - 1 if step % 5 == 4 else None)


def main(directory: Path, capacity: int, fsync: bool) -> None:
    telemetry = NoopTelemetryClient()
    with (
        WorldState.open(directory / "world_state", telemetry) as world_state,
        TxPool.open(
            directory / "pool", world_state.committed, telemetry, TxPoolConfig(max_pending_txs=capacity, fsync=fsync)
        ) as pool,
    ):
        for step in count():
            added, mined = operation(step)
            result = pool.add_tx(writer_tx(added), base_fee_per_gas=BASE_FEE)
            if not result.ok:
                raise SystemExit(f"step {step}: {result.reason}: {result.detail}")
            if mined is not None:
                pool.mark_mined([writer_tx(mined).tx_hash], block_number=step)
            print(step, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1")
