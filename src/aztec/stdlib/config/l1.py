"""The L1 settings: the development chain's block time and the publisher's inclusion wait."""

from __future__ import annotations

from typing import Final

from aztec.foundation.settings import FloatSetting
from aztec.stdlib.config.bounds import MAX_WAIT_S

L1_BLOCK_TIME: Final = FloatSetting(
    key="l1_block_time",
    flag="--l1-block-time",
    variable="AZTEC_L1_BLOCK_TIME",
    default=1.0,
    minimum=0.01,
    maximum=3600.0,
    unit="s",
    metavar="S",
    help="L1 block time (s).",
    accepted_doc="with `--l1` at most half of `--publish-timeout`",
)
PUBLISH_TIMEOUT: Final = FloatSetting(
    key="publish_timeout",
    flag="--publish-timeout",
    variable="AZTEC_L1_PUBLISH_TIMEOUT",
    default=30.0,
    minimum=0.1,
    maximum=MAX_WAIT_S,
    unit="s",
    metavar="S",
    help="Wait for an L1 tx's inclusion at most this (s).",
)
