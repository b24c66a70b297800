"""Ctrl-C with a black-holed collector: the whole sandbox (three telemetry clients) stops within the export
timeout plus the node's own stop time, and each client says once what it could not deliver."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.sandbox_process import FAST_SANDBOX_ARGS, SandboxProcess
from tests.support.otlp_receivers import BlackHole
from tests.support.polling import wait_until

pytestmark = pytest.mark.e2e

EXPORT_TIMEOUT_S = 3
NODE_STOP_BUDGET_S = 10
"""The node's own stop (bot, RPC servers, sequencer, prover workers, L1) on a loaded 2-core machine."""


def test_sandbox_stops_within_the_export_timeout_with_a_black_holed_collector(tmp_path: Path) -> None:
    hole = BlackHole()
    base = hole.endpoint.removesuffix("/v1/metrics")
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": base,
        "OTEL_METRIC_EXPORT_INTERVAL": "1000",
        "OTEL_METRIC_EXPORT_TIMEOUT": str(EXPORT_TIMEOUT_S * 1000),
    }
    sandbox = SandboxProcess(tmp_path / "data", *FAST_SANDBOX_ARGS, env=env)
    try:
        sandbox.urls()
        # Every client's metric export is stuck (the reachability probes' connections do not count).
        wait_until(lambda: hole.exports() >= 3, timeout=30, message="three metric exports into the black hole")
        started = time.monotonic()
        assert sandbox.interrupt(timeout_s=EXPORT_TIMEOUT_S + NODE_STOP_BUDGET_S + 20) == 0
        took = time.monotonic() - started
    finally:
        sandbox.close()
        hole.close()
    print(f"sandbox stop with a black-holed collector: {took:.1f} s (export timeout {EXPORT_TIMEOUT_S} s)")
    assert took < EXPORT_TIMEOUT_S + NODE_STOP_BUDGET_S, took
    dropped = re.findall(r"telemetry \((.+?)\): stopped without delivering", sandbox.output)
    assert len(dropped) == len(set(dropped)) == 3, dropped  # node, follower and bot, once each
