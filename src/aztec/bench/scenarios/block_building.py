"""Block building: build duration for blocks of 4, 16, 32 and 64 transactions.

A sequencer builds each block the way the node does (:meth:`Sequencer.run_slot` against a development
L1): signed token transfers enter the pool, the public processor runs them on a world-state fork, the
block is closed, published and committed. Only the sequencer (with its public processor) records here;
the pool, publisher and world state are not measured. Sizes are interleaved, so every size sees the same
growth of the state.

Records (bucket keys in brackets): ``aztec.sequencer.block.build_duration`` [block size class: the tx
count rounded up to a power of two, so 4, 16, 32, 64 at full scale], ``aztec.sequencer.block.tx_count``,
``aztec.sequencer.block.count`` [published], and the public processor's and executor's metrics
(``aztec.public_processor.tx_duration``, ``phase_duration`` [app_logic], ``total_gas``, ``gas_rate``...).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Final

from aztec.bench.scenarios.base import RunSettings, Scenario, scaled
from aztec.bench.scenarios.devnet import Devnet, MeasuredTelemetry, block_sizes
from aztec.bench.scenarios.transfers import TransferTraffic
from aztec.telemetry.api import TelemetryClient

BLOCKS_PER_SIZE: Final = 20
"""Blocks built of each size at scale 1."""


async def run(telemetry: TelemetryClient, settings: RunSettings) -> None:
    scale = settings.scale
    sizes = block_sizes(scale)
    traffic = TransferTraffic(max(sizes))
    with tempfile.TemporaryDirectory(prefix="aztec-bench-") as directory:
        measured = MeasuredTelemetry(sequencer=telemetry)
        async with Devnet.open(Path(directory), measured, max_block_size=max(sizes)) as devnet:
            await devnet.fund(traffic)
            for _ in range(scaled(BLOCKS_PER_SIZE, scale)):
                for size in sizes:
                    await devnet.build_block(traffic.transfers(size, await devnet.max_fee_per_gas()))
            telemetry.flush()


SCENARIO: Final = Scenario("block-building", "Build duration for blocks of 4, 16, 32 and 64 transactions", run)
