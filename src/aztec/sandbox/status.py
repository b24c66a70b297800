"""The live one-screen status of ``aztec start``: heights, throughput, pool, proving queue, bot, export health.

Titled by the roles the process runs (``aztec sandbox``, ``aztec --node``...).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from rich.table import Table


@dataclass(frozen=True)
class StatusSample:
    at: float
    block: int
    proven: int
    mined_txs: int
    pool: int
    proving_queue: int
    bot_sent: int = 0
    bot_mined: int = 0
    bot_failed: int = 0
    follower_block: int | None = None
    bot_node_errors: int = 0
    bot_last_node_error: str | None = None


class StatusBoard:
    """Keeps recent samples and renders the figures an operator watches, with a txs/s rate."""

    def __init__(self, window_s: float = 10.0, *, title: str = "aztec sandbox") -> None:
        self._samples: deque[StatusSample] = deque()
        self._window = window_s
        self.title = title
        self._exports: list[tuple[str, str]] = []

    def add(self, sample: StatusSample, exports: list[tuple[str, str]] | None = None) -> None:
        """A new sample, and the export health rows (service, state) at that moment."""
        if exports is not None:
            self._exports = exports
        self._samples.append(sample)
        while self._samples and sample.at - self._samples[0].at > self._window:
            self._samples.popleft()

    def txs_per_second(self) -> float:
        if len(self._samples) < 2:
            return 0.0
        first, last = self._samples[0], self._samples[-1]
        elapsed = last.at - first.at
        return (last.mined_txs - first.mined_txs) / elapsed if elapsed > 0 else 0.0

    def render(self, addresses: list[str]) -> Table:
        table = Table(title=self.title, show_header=False, expand=False)
        table.add_column("what", style="bold")
        table.add_column("value", justify="right")
        if not self._samples:
            table.add_row("status", "starting")
            return table
        s = self._samples[-1]
        table.add_row("block height", str(s.block))
        table.add_row("proven height", str(s.proven))
        if s.follower_block is not None:
            table.add_row("follower height", str(s.follower_block))
        table.add_row("txs per second (mined, 10 s)", f"{self.txs_per_second():.2f}")
        table.add_row("pool size", str(s.pool))
        table.add_row("proving queue", str(s.proving_queue))
        table.add_row("bot sent / mined / failed", f"{s.bot_sent} / {s.bot_mined} / {s.bot_failed}")
        if s.bot_node_errors:
            table.add_row("bot's node not answering", f"{s.bot_node_errors} requests; last: {s.bot_last_node_error}")
        for service, state in self._exports:
            table.add_row(f"{service} export", state)
        for address in addresses:
            table.add_row("", address)
        table.add_row("", f"updated {time.strftime('%H:%M:%S', time.localtime())}; Ctrl-C stops")
        return table
