"""The sequencer's settings (:class:`aztec.sequencer.config.SequencerConfig`)."""

from __future__ import annotations

from typing import Final

from aztec.foundation.settings import FloatSetting, IntSetting
from aztec.stdlib.config.bounds import MAX_WAIT_S

SLOT_DURATION: Final = FloatSetting(
    key="slot_duration",
    flag="--slot-duration",
    variable="AZTEC_SLOT_DURATION",
    default=2.0,
    minimum=0.01,
    maximum=MAX_WAIT_S,
    unit="s",
    metavar="S",
    help="Sequencer slot (s).",
)
MIN_TXS: Final = IntSetting(
    key="min_txs",
    flag="--min-txs",
    variable="AZTEC_MIN_TXS_PER_BLOCK",
    default=1,
    minimum=1,
    maximum=1024,
    metavar="N",
    help="Min txs per block.",
    accepted_doc="at most `--max-txs`",
)
MAX_TXS: Final = IntSetting(
    key="max_txs",
    flag="--max-txs",
    variable="AZTEC_MAX_TXS_PER_BLOCK",
    default=32,
    minimum=1,
    maximum=1024,
    metavar="N",
    help="Max txs per block.",
)
MAX_BLOCK_WAIT: Final = FloatSetting(
    key="max_block_wait",
    flag="--max-block-wait",
    variable="AZTEC_MAX_BLOCK_WAIT",
    default=10.0,
    minimum=0.0,
    maximum=MAX_WAIT_S,
    unit="s",
    metavar="S",
    help="Publish fewer than min txs after this wait (s).",
)
