"""Sequencer metrics: state, block building, outcomes, slots."""

from __future__ import annotations

from collections.abc import Callable

from aztec.sequencer.state import SequencerState
from aztec.telemetry import ObservableResult, TelemetryClient
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.sequencer import (
    SEQUENCER_BLOCK_BUILD_DURATION,
    SEQUENCER_BLOCK_COUNT,
    SEQUENCER_BLOCK_TX_COUNT,
    SEQUENCER_INTER_BLOCK_TIME,
    SEQUENCER_SLOT_COUNT,
    SEQUENCER_SLOT_DURATION,
    SEQUENCER_SLOT_FILLED_COUNT,
    SEQUENCER_STATE,
)
from aztec.telemetry.size_class import block_size_class

__all__ = ["SequencerInstrumentation", "block_size_class"]


class SequencerInstrumentation:
    def __init__(
        self, telemetry: TelemetryClient, current_state: Callable[[], SequencerState], slot_duration_s: float
    ) -> None:
        meter = telemetry.get_meter("Sequencer")
        self._build_duration = meter.create_histogram(SEQUENCER_BLOCK_BUILD_DURATION)
        self._tx_count = meter.create_histogram(SEQUENCER_BLOCK_TX_COUNT)
        self._inter_block = meter.create_histogram(SEQUENCER_INTER_BLOCK_TIME)
        blocks = meter.create_counter(SEQUENCER_BLOCK_COUNT)
        self._published = blocks.bind({a.BLOCK_OUTCOME: "published"})
        self._failed = blocks.bind({a.BLOCK_OUTCOME: "failed"})
        self._empty = blocks.bind({a.BLOCK_OUTCOME: "empty"})
        self._slots = meter.create_counter(SEQUENCER_SLOT_COUNT)
        self._filled = meter.create_counter(SEQUENCER_SLOT_FILLED_COUNT)

        def observe_state(result: ObservableResult) -> None:
            now = current_state()
            for state in SequencerState:
                result.observe(1 if state is now else 0, {a.SEQUENCER_STATE: state.value})

        meter.create_observable_gauge(SEQUENCER_STATE, observe_state)
        meter.create_observable_gauge(SEQUENCER_SLOT_DURATION, lambda result: result.observe(slot_duration_s))

    def record_slot(self) -> None:
        self._slots.add()

    def record_empty(self) -> None:
        self._empty.add()

    def record_failed(self) -> None:
        self._failed.add()

    def record_published(self, build_s: float, tx_count: int, since_last_block_s: float | None) -> None:
        self._build_duration.record(build_s, {a.BLOCK_SIZE_CLASS: block_size_class(tx_count)})
        self._tx_count.record(tx_count)
        self._published.add()
        self._filled.add()
        if since_last_block_s is not None:
            self._inter_block.record(since_last_block_s)
