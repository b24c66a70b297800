"""The bot's own records: counts by outcome and send-to-mined latencies, and their snapshot."""

from __future__ import annotations

import enum
import statistics
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Final

LATENCY_WINDOW: Final = 20_000
"""Percentiles are over the latest this many mined txs."""


class BotState(enum.StrEnum):
    IDLE = "idle"
    FUNDING = "funding"
    """Waiting for the node, then minting to the accounts and waiting for the mints to be mined."""
    SENDING = "sending"
    DRAINING = "draining"
    """``max_txs`` sent; following the open txs to the end."""
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"


class FailureKind(enum.StrEnum):
    REJECTED = "rejected"
    """Refused by node_sendTx."""
    DROPPED = "dropped"
    """Left the pool unmined."""
    REVERTED = "reverted"
    """Mined, but reverted."""
    TIMEOUT = "timeout"
    """Still pending after ``tx_timeout_s``."""
    LOST = "lost"
    """Unknown to the node ``unknown_timeout_s`` after sending."""
    ERROR = "error"
    """The node answered the send with an error other than a rejection."""


@dataclass(frozen=True)
class BotStats:
    """A snapshot; ``sent == mined + failed + pending`` always holds."""

    state: BotState
    sent: int
    mined: int
    failed: int
    pending: int
    latency_p50_s: float | None
    latency_p99_s: float | None
    sending_s: float
    """Seconds spent sending: from the first transfer to the last (``max_txs``) or to stop; still counting while
    sending (0 before). ``sent / sending_s`` is the achieved send rate."""
    failures: dict[FailureKind, int] = field(default_factory=dict)
    error: str | None = None
    """Why the bot failed (state ``failed``)."""
    node_errors: int = 0
    """Requests to the node that got no answer (also the ``aztec.bot.node_unreachable`` counter)."""
    last_node_error: str | None = None
    """The node's URL and why the last of those got no answer."""


class BotRecords:
    """Counts and latencies as the bot observes them."""

    def __init__(self) -> None:
        self.sent = 0
        self.mined = 0
        self.failures: Counter[FailureKind] = Counter()
        self.latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def pending(self) -> int:
        return self.sent - self.mined - self.failed

    def percentiles(self) -> tuple[float | None, float | None]:
        """p50 and p99 of the recorded latencies (None when nothing was mined yet)."""
        if not self.latencies:
            return None, None
        if len(self.latencies) == 1:
            return self.latencies[0], self.latencies[0]
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[49], cuts[98]
