"""The bot's settings."""

from __future__ import annotations

import math
from dataclasses import dataclass

from aztec.stdlib.config.bot import BOT_ACCOUNTS


@dataclass(frozen=True)
class BotConfig:
    """How much load the bot generates, from how many accounts, and how patiently it follows it."""

    tx_per_second: float = 1.0
    """Token transfers sent per second, paced evenly."""
    accounts: int = BOT_ACCOUNTS.default
    """Funded sender accounts; transfers go round-robin, each to the next account."""
    max_in_flight: int = 64
    """Transfers sent but not yet mined or failed; sending waits while this many are open."""
    max_txs: int | None = None
    """Stop sending after this many transfers (None: until stopped)."""
    transfer_amount: int = 1
    mint_amount: int = 10**12
    """Tokens minted to each account when funding."""
    fee_headroom: float = 2.0
    """``max_fee_per_gas`` is the node's base fee times this (rounded up), so a rising fee does not strand txs."""
    tx_gas_limit: int = 100_000
    """Gas limit of each tx (a transfer uses 23,720), capped at the node's block gas limit."""
    receipt_poll_interval_s: float = 0.2
    """How often receipts of open txs are fetched (one JSON-RPC batch); bounds the latency resolution."""
    tx_timeout_s: float = 300.0
    """An accepted tx still pending after this long counts as failed (timeout)."""
    unknown_timeout_s: float = 15.0
    """A tx the node does not know this long after sending (e.g. the send's answer was lost) counts as failed."""
    funding_timeout_s: float = 120.0
    """How long to wait for the node to be ready and the funding mints to be mined."""
    node_info_refresh_s: float = 10.0
    """How often the base fee and gas limit are re-read (also at once after a fee_too_low rejection)."""

    def __post_init__(self) -> None:
        positive = {
            "tx_per_second": self.tx_per_second,
            "fee_headroom": self.fee_headroom,
            "receipt_poll_interval_s": self.receipt_poll_interval_s,
            "tx_timeout_s": self.tx_timeout_s,
            "unknown_timeout_s": self.unknown_timeout_s,
            "funding_timeout_s": self.funding_timeout_s,
            "node_info_refresh_s": self.node_info_refresh_s,
        }
        for name, value in positive.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"BotConfig.{name} must be a positive number, got {value!r}")
        at_least_one = {
            "accounts": self.accounts,
            "max_in_flight": self.max_in_flight,
            "transfer_amount": self.transfer_amount,
            "tx_gas_limit": self.tx_gas_limit,
        }
        for name, count in at_least_one.items():
            if not isinstance(count, int) or count < 1:
                raise ValueError(f"BotConfig.{name} must be an integer >= 1, got {count!r}")
        if self.max_txs is not None and (not isinstance(self.max_txs, int) or self.max_txs < 0):
            raise ValueError(f"BotConfig.max_txs must be None or an integer >= 0, got {self.max_txs!r}")
        if self.fee_headroom < 1:
            raise ValueError(f"BotConfig.fee_headroom must be at least 1, got {self.fee_headroom}")
        if self.mint_amount < self.transfer_amount:
            raise ValueError(
                f"BotConfig.mint_amount ({self.mint_amount}) must cover at least one transfer ({self.transfer_amount})"
            )
