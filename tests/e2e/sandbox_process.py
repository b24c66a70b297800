"""``aztec start`` as a real subprocess, with every port chosen by the OS and read from its output."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

_URL = r"(http://127\.0\.0\.1:\d+/?\S*)"

FAST_SANDBOX_ARGS = (
    "--sandbox",
    "--prover-kind",
    "native",
    "--prover-scale",
    "0.01",
    "--l1-block-time",
    "0.5",
    "--slot-duration",
    "0.5",
    "--max-block-wait",
    "1",
    "--bot-tps",
    "4",
)
"""The whole sandbox with short block times and a light prover, for tests."""


class SandboxProcess:
    def __init__(
        self,
        data_dir: Path,
        *args: str,
        env: dict[str, str] | None = None,
        program: Sequence[str] = (sys.executable, "-m", "aztec.cli.main"),
        cwd: Path | None = None,
        base_env: Mapping[str, str] | None = None,
    ) -> None:
        """``program`` is how ``aztec`` is run (default: this checkout's, through this interpreter);
        ``env`` is added to ``base_env`` (default: this process's environment)."""
        command = [
            *program,
            "start",
            "--no-status",
            "--data-dir",
            str(data_dir),
            "--rpc-port",
            "0",
            "--metrics-port",
            "0",
            *args,
        ]
        environment = {**(os.environ if base_env is None else base_env), **(env or {})}
        environment.pop("AZTEC_PROMETHEUS_PORT", None)
        self.lines: list[str] = []
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment, cwd=cwd
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(line)

    @property
    def pid(self) -> int:
        return self._process.pid

    def send_signal(self, sig: int) -> None:
        self._process.send_signal(sig)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_line(self, pattern: str, timeout_s: float = 60.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in list(self.lines):
                match = re.search(pattern, line)
                if match:
                    return match
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} not printed within {timeout_s} s; output:\n{self.output[-4000:]}")

    def urls(self) -> dict[str, str]:
        """The addresses the sandbox printed at start-up."""
        self.wait_for_line(r"^started")
        found = {
            "node_metrics": rf"node metrics: Prometheus scrape endpoint {_URL}",
            "bot_metrics": rf"bot metrics: Prometheus scrape endpoint {_URL}",
            "follower_metrics": rf"follower metrics: Prometheus scrape endpoint {_URL}",
            "node_rpc": rf"sequencer node JSON-RPC: {_URL}",
            "follower_rpc": rf"follower node JSON-RPC: {_URL}",
        }
        urls: dict[str, str] = {}
        for key, pattern in found.items():
            for line in self.lines:
                match = re.search(pattern, line)
                if match:
                    urls[key] = match.group(1)
        return urls

    def interrupt(self, timeout_s: float = 60.0) -> int:
        """Ctrl-C, and wait for a clean exit."""
        self._process.send_signal(signal.SIGINT)
        code = self._process.wait(timeout=timeout_s)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        self._process.kill()
        self._process.wait(timeout=30)
        self._reader.join(timeout=5)

    def close(self) -> None:
        if self._process.poll() is None:
            self.kill()


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode()
        return text
