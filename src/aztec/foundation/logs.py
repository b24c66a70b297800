"""Logging for long-running commands: repeated lines rate-limited, no tracebacks below ERROR, a live-screen handler.

- :class:`RepeatFilter`: the first of a run of identical records (same logger, level and message) passes;
  the next ones within ``interval_s`` are counted and dropped, and the first one after the interval
  passes with ``(N more like this in the last 60 s)`` appended.
- :class:`NoTracebackBelowError`: a record below ERROR (a client's mistake, a peer gone) keeps its
  message and gets the exception's one-line summary instead of a traceback. ERROR and above (the
  node's own faults) keep theirs.
- :func:`console_logging`: while a rich ``Live`` screen runs, log lines are printed through its console,
  so they appear above the screen instead of through it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

from rich.console import Console

LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REPEAT_INTERVAL_S: Final = 60.0
_MAX_KEYS: Final = 4096


class RepeatFilter(logging.Filter):
    """Lets one of each identical record through per ``interval_s``, then reports how many were dropped."""

    def __init__(self, interval_s: float = REPEAT_INTERVAL_S, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._interval = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, record.getMessage())
        now = self._clock()
        with self._lock:
            last = self._seen.get(key)
            if last is not None and now - last[0] < self._interval:
                self._seen[key] = (last[0], last[1] + 1)
                return False
            if len(self._seen) >= _MAX_KEYS:
                self._seen.clear()
            self._seen[key] = (now, 0)
        if last is not None and last[1]:
            record.msg = f"{record.getMessage()} ({last[1]} more like this in the last {now - last[0]:.0f} s)"
            record.args = None
        return True


class NoTracebackBelowError(logging.Filter):
    """Replaces the traceback of records below ERROR with the exception's one-line summary."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR and record.exc_info:
            error = record.exc_info[1]
            if error is not None:
                record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
                record.args = None
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


def add_filters(handler: logging.Handler) -> logging.Handler:
    handler.addFilter(NoTracebackBelowError())
    handler.addFilter(RepeatFilter())
    return handler


def configure_logging(level: int) -> None:
    """Root logging to stderr at ``level``, with the filters above on its handler."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(add_filters(handler))
    root.setLevel(level)


class ConsoleHandler(logging.Handler):
    """Prints records through a rich console (so a ``Live`` screen on it stays below them)."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self._console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:  # never let logging break the caller
            self.handleError(record)


@contextmanager
def console_logging(console: Console) -> Iterator[None]:
    """Route the root logger's output through ``console`` while the block runs, then restore it."""
    root = logging.getLogger()
    saved = list(root.handlers)
    handler = ConsoleHandler(console)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    add_filters(handler)
    for old in saved:
        root.removeHandler(old)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        for old in saved:
            root.addHandler(old)
