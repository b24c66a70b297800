"""The bot's metrics: txs sent, mined and failed, and send-to-mined latency."""

from __future__ import annotations

from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.bot import (
    BOT_NODE_UNREACHABLE,
    BOT_TX_FAILED,
    BOT_TX_LATENCY,
    BOT_TX_MINED,
    BOT_TX_SENT,
)


class BotInstrumentation:
    """Meter ``Bot``; counts transfers only (the funding mints are setup, not load)."""

    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("Bot")
        self._sent = meter.create_counter(BOT_TX_SENT)
        self._mined = meter.create_counter(BOT_TX_MINED)
        self._failed = meter.create_counter(BOT_TX_FAILED)
        self._latency = meter.create_histogram(BOT_TX_LATENCY)
        self._unreachable = meter.create_counter(BOT_NODE_UNREACHABLE)

    def record_sent(self) -> None:
        self._sent.add()

    def record_mined(self, latency_s: float) -> None:
        self._mined.add()
        self._latency.record(latency_s)

    def record_failed(self) -> None:
        self._failed.add()

    def record_node_unreachable(self, error_type: str) -> None:
        self._unreachable.add(1, {a.ERROR_TYPE: error_type})
