"""Metrics of the transaction validator: validation duration and rejections by reason."""

from __future__ import annotations

from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.telemetry import attributes as a
from aztec.telemetry.api import BoundCounter, TelemetryClient
from aztec.telemetry.metrics.public_processor import TX_VALIDATION_DURATION, TX_VALIDATION_REJECTIONS


class TxValidatorInstrumentation:
    """Meter ``TxValidator``: validation duration and rejections by reason."""

    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("TxValidator")
        self._duration = meter.create_histogram(TX_VALIDATION_DURATION).bind({})  # one append per validation
        rejections = meter.create_counter(TX_VALIDATION_REJECTIONS)
        self._rejections: dict[TxRejectionReason, BoundCounter] = {
            reason: rejections.bind({a.TX_VALIDATION_REASON: reason.value}) for reason in TxRejectionReason
        }

    def record_validation(self, reason: TxRejectionReason | None, duration_s: float) -> None:
        self._duration.record(duration_s)
        if reason is not None:
            self._rejections[reason].add(1)
