"""Steady pacing: sends on a fixed schedule, catching up after a hiccup but not after a stall."""

from __future__ import annotations

from typing import Final

DEFAULT_MAX_LAG_S: Final = 0.1


class Pacer:
    """Slots ``1 / rate`` seconds apart on a clock the caller supplies (``time.monotonic`` readings).

    Lateness up to ``max(interval, max_lag_s)`` is absorbed: the slots missed meanwhile are used at once,
    so timer jitter and short event-loop hiccups do not lower the long-run rate. A longer stall (e.g.
    waiting for in-flight txs) restarts the schedule from now instead of bursting.
    """

    __slots__ = ("_interval", "_max_lag", "_next")

    def __init__(self, rate: float, max_lag_s: float = DEFAULT_MAX_LAG_S) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self._interval = 1.0 / rate
        self._max_lag = max(self._interval, max_lag_s)
        self._next: float | None = None

    @property
    def interval(self) -> float:
        return self._interval

    def delay(self, now: float) -> float:
        """Seconds to wait from ``now`` until the next slot (0 when it is due)."""
        return 0.0 if self._next is None else max(0.0, self._next - now)

    def take(self, now: float) -> None:
        """Use the current slot at ``now``; the next one is one interval after it."""
        if self._next is None or now - self._next > self._max_lag:
            self._next = now
        self._next += self._interval
