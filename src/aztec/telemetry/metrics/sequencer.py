"""Sequencer metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import ValueType, counter, histogram, observable_gauge

SEQUENCER_STATE: Final = observable_gauge(
    "aztec.sequencer.current_state",
    "1",
    "1 for the state the sequencer is in, 0 for the others",
    attributes=(a.SEQUENCER_STATE,),
)
SEQUENCER_BLOCK_BUILD_DURATION: Final = histogram(
    "aztec.sequencer.block.build_duration",
    "s",
    "Time to build a block, from taking txs to a block ready to publish, by block size class",
    attributes=(a.BLOCK_SIZE_CLASS,),
)
SEQUENCER_BLOCK_TX_COUNT: Final = histogram(
    "aztec.sequencer.block.tx_count", "{tx}", "Transactions per published block"
)
SEQUENCER_BLOCK_COUNT: Final = counter(
    "aztec.sequencer.block.count",
    "{block}",
    "Block attempts, by outcome (published, failed, empty)",
    attributes=(a.BLOCK_OUTCOME,),
)
SEQUENCER_INTER_BLOCK_TIME: Final = histogram(
    "aztec.sequencer.block.inter_block_time", "s", "Time between two consecutive published blocks"
)
SEQUENCER_SLOT_DURATION: Final = observable_gauge(
    "aztec.sequencer.slot.duration",
    "s",
    "The sequencer's configured slot duration (a block build should take less)",
    value_type=ValueType.DOUBLE,
)
SEQUENCER_SLOT_COUNT: Final = counter("aztec.sequencer.slot.count", "{slot}", "Slots the sequencer was proposer for")
SEQUENCER_SLOT_FILLED_COUNT: Final = counter(
    "aztec.sequencer.slot.filled_count", "{slot}", "Slots in which the sequencer published a block"
)
