"""Steady pacing: sends on a fixed schedule, without bursting to catch up after a stall."""

from __future__ import annotations


class Pacer:
    """Slots ``1 / rate`` seconds apart on a clock the caller supplies (``time.monotonic`` readings).

    Small lateness (under one interval) is absorbed, so the long-run rate holds despite timer jitter;
    a longer stall (e.g. waiting for in-flight txs) restarts the schedule from now instead of bursting.
    """

    __slots__ = ("_interval", "_next")

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self._interval = 1.0 / rate
        self._next: float | None = None

    @property
    def interval(self) -> float:
        return self._interval

    def delay(self, now: float) -> float:
        """Seconds to wait from ``now`` until the next slot (0 when it is due)."""
        return 0.0 if self._next is None else max(0.0, self._next - now)

    def take(self, now: float) -> None:
        """Use the current slot at ``now``; the next one is one interval after it."""
        if self._next is None or now - self._next > self._interval:
            self._next = now
        self._next += self._interval
