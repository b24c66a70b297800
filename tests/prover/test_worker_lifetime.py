"""The native prover's worker processes die with the node: a real process tree, the node killed for real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil

NODE = textwrap.dedent(
    """
    import asyncio, sys
    from aztec.prover.native_prover import NativeCircuitProver
    from aztec.telemetry.noop import NoopTelemetryClient

    async def main() -> None:
        prover = NativeCircuitProver(NoopTelemetryClient(), workers=2)
        await prover.start()
        print("ready", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
    """
)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_sigkill_of_the_node_leaves_no_worker_or_resource_tracker() -> None:
    node = subprocess.Popen([sys.executable, "-c", NODE], stdout=subprocess.PIPE, text=True)
    children: list[psutil.Process] = []
    try:
        assert node.stdout is not None
        assert node.stdout.readline().strip() == "ready"
        children = psutil.Process(node.pid).children(recursive=True)
        commands = [" ".join(child.cmdline()) for child in children]
        assert sum("spawn_main" in c for c in commands) == 2, commands
        assert any("resource_tracker" in c for c in commands), commands
        os.kill(node.pid, signal.SIGKILL)
        node.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(child) for child in children):
            time.sleep(0.1)
        left = [c for c, child in zip(commands, children, strict=True) if _alive(child)]
        assert left == [], f"orphans after SIGKILL of the node: {left}"
    finally:
        if node.poll() is None:
            node.kill()
            node.wait(timeout=10)
        for child in children:  # a failed run leaves no orphan behind either
            if _alive(child):
                child.kill()
