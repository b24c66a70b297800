"""Archiver metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import counter, histogram, observable_gauge

ARCHIVER_BLOCK_HEIGHT: Final = observable_gauge(
    "aztec.archiver.block_height",
    "{block}",
    "Latest L2 block stored, proposed and proven",
    attributes=(a.CHAIN_STATUS,),
)
ARCHIVER_L1_BLOCK_HEIGHT: Final = observable_gauge(
    "aztec.archiver.l1_block_height", "{block}", "Latest L1 block the archiver has read"
)
ARCHIVER_SYNC_DURATION: Final = histogram(
    "aztec.archiver.sync_per_block.duration", "s", "Time to fetch, check and store one L2 block"
)
ARCHIVER_TX_COUNT: Final = counter("aztec.archiver.tx_count", "{tx}", "Transactions in blocks the archiver stored")
