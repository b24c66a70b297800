"""Transactions: validation duration, size, and L1 gas and calldata per block size.

Signed token transfers arrive at a sequencer's pool as bytes (decoded, then validated by the pool's
:class:`TxValidator` against the committed world state), and blocks of 4, 16, 32 and 64 of them are
built and published to a development L1 by the :class:`L1Publisher`. The pool (with its validator) and
the publisher record; the sequencer and world state do not.

Records (bucket keys in brackets): ``aztec.tx_validation.duration``, ``aztec.mempool.tx_size``,
``aztec.mempool.tx_added_count``, ``aztec.mempool.tx_mined_delay``; ``aztec.l1_publisher.tx_gas`` and
``aztec.l1_publisher.tx_calldata_size`` [block size class / propose: 4, 16, 32, 64 at full scale],
``aztec.l1_publisher.tx_duration`` and ``gas_price`` [propose], ``tx_count`` [propose/success].
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Final

from aztec.bench.scenarios.base import RunSettings, Scenario, scaled
from aztec.bench.scenarios.devnet import Devnet, MeasuredTelemetry, block_sizes
from aztec.bench.scenarios.transfers import TransferTraffic
from aztec.telemetry.api import TelemetryClient

BLOCKS_PER_SIZE: Final = 5
"""Blocks of each size at scale 1 (their L1 gas and calldata hardly vary)."""


async def run(telemetry: TelemetryClient, settings: RunSettings) -> None:
    scale = settings.scale
    sizes = block_sizes(scale)
    traffic = TransferTraffic(max(sizes))
    with tempfile.TemporaryDirectory(prefix="aztec-bench-") as directory:
        measured = MeasuredTelemetry(pool=telemetry, publisher=telemetry)
        async with Devnet.open(Path(directory), measured, max_block_size=max(sizes)) as devnet:
            await devnet.fund(traffic)
            for _ in range(scaled(BLOCKS_PER_SIZE, scale)):
                for size in sizes:
                    await devnet.build_block(traffic.transfers(size, await devnet.max_fee_per_gas()))
            telemetry.flush()


SCENARIO: Final = Scenario("transactions", "Validation duration, size, L1 gas and calldata per block size", run)
