"""A process killed by SIGKILL in the middle of committing reopens at exactly one committed block."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from aztec.stdlib.trees import TreeId, TreeSnapshot
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.world_state.blocks import block_effects, block_hash
from tests.world_state.crash_child import CRASH_TXS

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0


def expected_snapshots(path: Path, blocks: int) -> list[dict[TreeId, TreeSnapshot]]:
    """The four trees' snapshots after each block 0..blocks, computed in this process."""
    snapshots = []
    with WorldState.open(path, NoopTelemetryClient()) as world_state:
        for block in range(blocks + 1):
            if block:
                world_state.apply_block(block, block_effects(block, CRASH_TXS), block_hash(block))
            snapshots.append({tree: world_state.committed.get_snapshot(tree) for tree in TreeId})
    return snapshots


def run_until_killed(path: Path, commits_before_kill: int, rng: random.Random) -> int:
    """Start the child, wait for ``commits_before_kill`` commits, SIGKILL it at a random moment after."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.world_state.crash_child", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"},
    )
    assert child.stdout is not None
    seen = 0
    deadline = time.monotonic() + DEADLINE_S
    try:
        while seen < commits_before_kill:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"the child committed only {seen} blocks in {DEADLINE_S} s"
            ready, _, _ = select.select([child.stdout], [], [], remaining)
            if ready:
                line = child.stdout.readline()
                assert line, f"the child exited early with code {child.wait()}"
                seen = int(line)
        # Kill at a random point of the following commits (this delay picks the point; it syncs nothing).
        time.sleep(rng.uniform(0, 0.05))
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return seen


def test_sigkill_during_commits_leaves_a_committed_state(tmp_path: Path) -> None:
    rng = random.Random(os.getpid())
    path = tmp_path / "world_state"
    last_seen = 0
    for _ in range(5):
        last_seen = run_until_killed(path, last_seen + rng.randint(1, 4), rng)
        with WorldState.open(path, NoopTelemetryClient()) as world_state:
            block = world_state.committed_block_number
            assert block >= last_seen
            found = {tree: world_state.committed.get_snapshot(tree) for tree in TreeId}
            expected = expected_snapshots(tmp_path / f"expected_{block}", block)
            assert found == expected[block], f"reopened at block {block} with roots of no committed block"
            # The reopened state is whole: every low-leaf proof verifies and the next block applies.
            root = found[TreeId.NULLIFIER].root
            for key in (1, 1 << 200, 12345):
                witness = world_state.committed.get_low_leaf(TreeId.NULLIFIER, key)
                assert witness.path.root_for(witness.leaf.hash(), witness.index) == root
        last_seen = block
