"""Crash safety: a pool process killed with SIGKILL mid-loop reopens consistent, with every acknowledged change."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aztec.p2p import EvictionReason, PoolTxStatus, TxPool, TxPoolConfig
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.p2p.pool_writer import operation, writer_tx
from tests.p2p.support import BASE_FEE, tx_paying

CAPACITY = 20
KILL_AFTER = 150
DEADLINE_S = 60.0
REPO = Path(__file__).resolve().parents[2]


def model(steps: int, *, then_add_only: bool = False) -> tuple[list[int], set[int]]:
    """Pending tx indexes (best first) and low-fee-evicted indexes after ``steps`` writer steps (and, with
    ``then_add_only``, the add of the next step without its mark_mined: each is its own LMDB transaction)."""
    pending: list[int] = []
    evicted: set[int] = set()
    for step in range(steps + then_add_only):
        added, mined = operation(step)
        if len(pending) >= CAPACITY:
            cheapest = min(pending)  # fees rise with the index
            pending.remove(cheapest)
            evicted.add(cheapest)
        pending.append(added)
        if mined is not None and mined in pending and step < steps:
            pending.remove(mined)
    return sorted(pending, reverse=True), evicted


def run_writer_until_killed(directory: Path, fsync: bool) -> int:
    """Start the writer, SIGKILL it once it acknowledged KILL_AFTER steps; the number it acknowledged."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.p2p.pool_writer", str(directory), str(CAPACITY), str(int(fsync))],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acknowledged = 0
    deadline = time.monotonic() + DEADLINE_S
    try:
        assert child.stdout is not None
        while acknowledged < KILL_AFTER:
            line = child.stdout.readline()
            assert line, f"the writer exited early: {child.wait()} {child.stderr.read() if child.stderr else ''}"
            assert int(line) == acknowledged
            acknowledged += 1
            assert time.monotonic() < deadline, "the writer is too slow"
        os.kill(child.pid, signal.SIGKILL)
        # Read through the same buffered stream as readline: communicate() reads the raw pipe and would
        # miss lines readline already buffered (the pool then holds more steps than were counted).
        rest = child.stdout.read()
        child.wait(timeout=DEADLINE_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    return acknowledged + len(rest.splitlines())


@pytest.mark.parametrize("fsync", [True, False], ids=["fsync", "no_fsync"])
def test_sigkill_while_writing_leaves_a_consistent_pool(tmp_path: Path, fsync: bool) -> None:
    acknowledged = run_writer_until_killed(tmp_path, fsync)
    telemetry = NoopTelemetryClient()
    with (
        WorldState.open(tmp_path / "world_state", telemetry) as world_state,
        TxPool.open(
            tmp_path / "pool", world_state.committed, telemetry, TxPoolConfig(max_pending_txs=CAPACITY)
        ) as pool,
    ):
        pending = [tx.tx_hash for tx in pool.get_pending()]
        # The step in flight may have committed nothing, its add, or its add and its mark_mined.
        candidates = [model(acknowledged), model(acknowledged, then_add_only=True), model(acknowledged + 1)]
        expected = [[writer_tx(i).tx_hash for i in indexes] for indexes, _ in candidates]
        assert pending in expected, f"pool after {acknowledged} acknowledged steps matches neither model"
        pending_indexes, evicted = candidates[expected.index(pending)]
        for index in sorted(evicted)[-50:]:
            status = pool.get_status(writer_tx(index).tx_hash)
            assert (status.status, status.reason) == (PoolTxStatus.DROPPED, EvictionReason.LOW_FEE.value)
        assert len(pool) == len(pending_indexes) <= CAPACITY
        richest = tx_paying(10_000, sender=99_999)
        assert pool.add_tx(richest, base_fee_per_gas=BASE_FEE).ok
        assert pool.get_pending(1) == [richest]
