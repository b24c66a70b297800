"""The aggregation cells: a record appends, a drain (or the pending folder) folds, with the SDK's bucket rule."""

from __future__ import annotations

import gc
import logging
import math
import os
import random
import signal
import threading
import time
import weakref
from bisect import bisect_left

import pytest

from aztec.telemetry.otel.cells import PENDING_LIMIT, HistogramCell, PendingValues, SumCell, refusal
from aztec.telemetry.otel.pending_folder import PendingFolder
from tests.support.polling import wait_until

BOUNDS = (0.0, 0.005, 0.01, 0.1, 1.0)


def test_a_drain_folds_the_pending_values_as_one_record_at_a_time_would() -> None:
    cell = HistogramCell(BOUNDS, refusal("h", "histogram"))
    values = [0.0, 0.005, 0.01, 0.1, 1.0, 2.0, *(random.uniform(0, 1.5) for _ in range(200))]  # bounds included
    random.shuffle(values)
    for value in values:
        cell.record(value)
    window = cell.drain()
    assert window is not None
    expected = [0] * (len(BOUNDS) + 1)
    total = 0.0
    for value in values:
        expected[bisect_left(BOUNDS, value)] += 1  # the SDK's rule: a value equal to a bound is in its bucket
        total += value
    assert window.bucket_counts == expected
    assert window.sum == total  # summed in record order: bit for bit
    assert (window.min, window.max) == (min(values), max(values))
    assert cell.drain() is None


def test_bound_records_only_append_and_the_pending_folder_folds_them_without_a_drain() -> None:
    cell = HistogramCell(BOUNDS, refusal("h", "histogram"))
    counter = SumCell(refusal("c", "counter"))
    bound_histogram, bound_counter = cell.bound(), counter.bound()
    assert isinstance(bound_histogram, PendingValues) and bound_histogram.record == bound_histogram.append
    for _ in range(3 * PENDING_LIMIT):
        bound_histogram.record(0.5)
        bound_counter.add(2)
    bound_counter.add()  # a bound counter's increment defaults to 1
    assert len(bound_histogram) == 3 * PENDING_LIMIT
    cell.fold_if_over(4 * PENDING_LIMIT)  # under the limit: left pending
    assert len(bound_histogram) == 3 * PENDING_LIMIT
    cell.fold_if_over(PENDING_LIMIT)
    counter.fold_if_over(PENDING_LIMIT)
    assert len(bound_histogram) == 0 and len(bound_counter) == 0
    window = cell.drain()
    assert window is not None and sum(window.bucket_counts) == 3 * PENDING_LIMIT
    assert counter.drain() == 6 * PENDING_LIMIT + 1


def test_values_recorded_while_other_threads_drain_are_all_counted_once() -> None:
    """A drain takes the pending values with a copy and a delete of that prefix: appends meanwhile wait for the next."""
    cell = HistogramCell(BOUNDS, refusal("h", "histogram"))
    counter = SumCell(refusal("c", "counter"))
    record, add = cell.bound().record, counter.bound().add
    per_thread, threads = 20_000, 4
    done = threading.Event()
    counted, total = [0], [0.0]

    def drain_once() -> None:
        window, value = cell.drain(), counter.drain()
        counted[0] += sum(window.bucket_counts) if window is not None else 0
        total[0] += value or 0

    def drain_until_done() -> None:
        while not done.is_set():
            drain_once()

    def record_many() -> None:
        for _ in range(per_thread):
            record(0.5)
            add(1)

    drainer = threading.Thread(target=drain_until_done)
    drainer.start()
    recorders = [threading.Thread(target=record_many) for _ in range(threads)]
    for thread in recorders:
        thread.start()
    for thread in recorders:
        thread.join(timeout=60)
    done.set()
    drainer.join(timeout=60)
    drain_once()
    assert counted[0] == per_thread * threads
    assert total[0] == per_thread * threads


def test_the_pending_folder_folds_every_registered_aggregation_and_keeps_none_alive() -> None:
    class Aggregation:
        def __init__(self) -> None:
            self.folds: list[int] = []

        def fold_pending(self, limit: int) -> None:
            self.folds.append(limit)

    folder = PendingFolder(interval_s=0.01)
    aggregations = [Aggregation(), Aggregation()]
    folder.register(aggregations[0])
    folder.register(aggregations[1])
    try:
        wait_until(
            lambda: all(len(registered.folds) >= 2 for registered in aggregations),
            timeout=10,
            interval=0.01,
            message="two folding passes",
        )
        assert set(aggregations[0].folds) == {PENDING_LIMIT}
        collected = weakref.ref(aggregations.pop())
        # The folder holds its aggregations weakly (a pass under way holds them until it ends).
        wait_until(lambda: gc.collect() is not None and collected() is None, timeout=10, interval=0.01)
    finally:
        folder.stop()


def test_a_forked_child_folds_the_aggregations_it_inherited() -> None:
    read_end, write_end = os.pipe()

    class Aggregation:
        def fold_pending(self, limit: int) -> None:
            os.write(write_end, f"{os.getpid()}\n".encode())

    folder, inherited = PendingFolder(interval_s=0.01), Aggregation()
    folder.register(inherited)
    child = os.fork()
    if child == 0:  # the child: its folder's thread must come back by itself, then the parent stops it
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.01)
        os._exit(1)
    try:
        with os.fdopen(read_end) as passes:
            wait_until(lambda: passes.readline().strip() == str(child), timeout=10, interval=0, message="a child pass")
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        folder.stop()
        os.close(write_end)


def test_a_failing_fold_is_reported_once_and_the_folder_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        calls = 0

        def fold_pending(self, limit: int) -> None:
            Broken.calls += 1
            raise RuntimeError("a cell is broken")

    folder, broken = PendingFolder(), Broken()
    folder.register(broken)
    with caplog.at_level(logging.WARNING, logger="aztec.telemetry"):
        folder.fold_now()
        folder.fold_now()
    assert Broken.calls == 2
    assert caplog.text.count("folding the pending values failed") == 1


def test_refused_values_never_reach_the_window() -> None:
    cell = HistogramCell(BOUNDS, refusal("h", "histogram"))
    for value in (-1.0, math.nan, 0.5, -math.inf, math.inf):
        cell.bound().record(value)
    window = cell.drain()
    assert window is not None and sum(window.bucket_counts) == 2 and window.sum == math.inf
    assert (window.min, window.max) == (0.5, math.inf)
    only_refused = HistogramCell(BOUNDS, refusal("h", "histogram"))
    only_refused.record(-2.0)
    assert only_refused.drain() is None
    counter = SumCell(refusal("c", "counter"))
    for increment in (2, -1, math.nan, 3):
        counter.bound().add(increment)
    assert counter.drain() == 5
    up_down = SumCell(None)
    up_down.add(-3)
    up_down.add(1)
    assert up_down.drain() == -2
