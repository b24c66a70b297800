"""A monotonic stopwatch, as the spec's ``Timer`` (``timer.ms()`` / ``timer.s()``)."""

from __future__ import annotations

import time


class Timer:
    """Starts on construction; reads elapsed time without stopping."""

    __slots__ = ("_start",)

    def __init__(self) -> None:
        self._start = time.perf_counter()

    def s(self) -> float:
        """Elapsed seconds."""
        return time.perf_counter() - self._start

    def ms(self) -> float:
        """Elapsed milliseconds."""
        return (time.perf_counter() - self._start) * 1000.0

    def us(self) -> float:
        """Elapsed microseconds."""
        return (time.perf_counter() - self._start) * 1_000_000.0
