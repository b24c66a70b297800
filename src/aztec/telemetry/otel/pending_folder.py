"""One thread per process that folds the values bound instruments leave pending, once a second.

A bound histogram or counter record only appends to its series' pending values and checks nothing
(:mod:`aztec.telemetry.otel.cells`), so between two collections the values would pile up, the more so
with a long export interval. Once a second this thread folds every series with more than
:data:`~aztec.telemetry.otel.cells.PENDING_LIMIT` values pending into its totals: a series holds at
most about a second's records. It keeps the aggregations weakly, so a client that is dropped is not
kept alive, and starts again in a forked child that inherited aggregations (or registers one).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from typing import Final, Protocol

from aztec.telemetry.otel.cells import PENDING_LIMIT

_log = logging.getLogger("aztec.telemetry")

FOLD_INTERVAL_S: Final = 1.0


class Foldable(Protocol):
    def fold_pending(self, limit: int) -> None:
        """Fold every series with more than ``limit`` values pending."""


class PendingFolder:
    """The process's folder: :meth:`register` an aggregation, and its series are folded once a second."""

    def __init__(self, interval_s: float = FOLD_INTERVAL_S) -> None:
        self._interval_s = interval_s
        self._lock = threading.Lock()
        self._aggregations: weakref.WeakSet[Foldable] = weakref.WeakSet()
        self._pid: int | None = None
        """The process the thread runs in (None: not started)."""
        self._thread: threading.Thread | None = None
        self._failed = False
        os.register_at_fork(after_in_child=self._after_fork_in_child)

    def register(self, aggregation: Foldable) -> None:
        with self._lock:
            self._aggregations.add(aggregation)
            if self._pid != os.getpid():  # not started, or started in the parent of this forked process
                self._start()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="telemetry-fold", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """End the thread and wait for its current pass (the process's folder runs as long as the process)."""
        with self._lock:
            self._pid, thread = None, self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _after_fork_in_child(self) -> None:
        """The thread did not survive the fork; the lock may have been held by it in the parent."""
        self._lock = threading.Lock()
        self._pid = self._thread = None
        if len(self._aggregations):
            self._start()

    def fold_now(self) -> None:
        """One pass: fold every registered aggregation's series past the limit."""
        with self._lock:
            aggregations = list(self._aggregations)
        for aggregation in aggregations:
            try:
                aggregation.fold_pending(PENDING_LIMIT)
            except Exception:  # the thread must not die: the next pass tries again
                if not self._failed:
                    self._failed = True
                    _log.exception("telemetry: folding the pending values failed")

    def _run(self) -> None:
        pid = os.getpid()
        while True:
            time.sleep(self._interval_s)
            if self._pid != pid:  # stopped
                return
            self.fold_now()


PENDING_FOLDER: Final = PendingFolder()
