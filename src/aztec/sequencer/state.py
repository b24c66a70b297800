"""The sequencer's states, as the real node's."""

from __future__ import annotations

import enum


class SequencerState(enum.StrEnum):
    IDLE = "idle"
    SYNCHRONIZING = "synchronizing"
    PROPOSER_CHECK = "proposer_check"
    CREATING_BLOCK = "creating_block"
    PUBLISHING = "publishing"
    STOPPED = "stopped"
