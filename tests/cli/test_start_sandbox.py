"""``aztec start --sandbox`` as an operator runs it: a subprocess serving metrics, stopped by Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request


def _read_until(process: subprocess.Popen[str], pattern: str, timeout_s: float = 30.0) -> re.Match[str]:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout_s
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"{pattern!r} not printed; output was: {''.join(seen)}")


def test_sandbox_serves_metrics_and_stops_cleanly_on_ctrl_c() -> None:
    env = {**os.environ, "AZTEC_PROMETHEUS_PORT": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aztec.cli.main", "start", "--sandbox"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        url = _read_until(process, r"Prometheus scrape endpoint (http://127\.0\.0\.1:\d+/metrics)").group(1)
        deadline = time.monotonic() + 30
        text = ""
        while "aztec_demo_operation_count_total" not in text or "process_cpu_time" not in text:
            assert time.monotonic() < deadline, text[-2000:]
            with urllib.request.urlopen(url, timeout=5) as response:
                text = response.read().decode()
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _read_until(process, r"stopped; metrics flushed")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
