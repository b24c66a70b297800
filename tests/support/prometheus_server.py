"""A real Prometheus (Debian's) started by tests on 127.0.0.1 with a temporary directory."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.support.polling import WaitTimeoutError, wait_until


def require_binary(name: str) -> str:
    """The binary's path; in CI a missing binary fails the test instead of skipping it."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/test installs Debian's prometheus and prometheus-alertmanager)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(process: subprocess.Popen[bytes], url: str, log: Path, name: str, timeout_s: float = 20.0) -> None:
    """Poll ``url``/-/ready (Prometheus and Alertmanager both serve it) until 200; fail with the log's tail."""

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    wait_until(ready, timeout=timeout_s, interval=0.05, message=f"{name} to be ready")


class PrometheusServer:
    def __init__(
        self,
        config_text: str,
        workdir: Path,
        extra_files: dict[str, str] | None = None,
        *,
        agent: bool = False,
        extra_args: Sequence[str] = (),
    ) -> None:
        """``agent``: agent mode (``--enable-feature=agent``: scrape and remote-write, no local queries);
        ``extra_args``: more flags, e.g. ``--web.enable-remote-write-receiver``."""
        binary = require_binary("prometheus")
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        for name, text in (extra_files or {}).items():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            (workdir / name).write_text(text)
        config = workdir / "prometheus.yml"
        config.write_text(config_text)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = (workdir / "prometheus.log").open("w")
        self._process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                *(
                    ("--enable-feature=agent", f"--storage.agent.path={workdir / 'data'}")
                    if agent
                    else (f"--storage.tsdb.path={workdir / 'data'}",)
                ),
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--web.enable-lifecycle",
                *extra_args,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        wait_ready(self._process, self.url, self.workdir / "prometheus.log", "prometheus")

    def api(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=10) as response:
            body = json.load(response)
        if body.get("status") != "success":
            raise AssertionError(f"prometheus API error: {body}")
        return body["data"]

    def query(self, promql: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.api("query", query=promql)["result"]
        return result

    def wait_for_query(self, promql: str, timeout_s: float = 30.0) -> list[dict[str, Any]]:
        """Poll until the query returns a non-empty result."""
        try:
            return wait_until(
                lambda: self.query(promql), timeout=timeout_s, interval=0.2, message=f"data for {promql!r}"
            )
        except WaitTimeoutError as timed_out:
            raise AssertionError(f"{timed_out}; targets: {self.api('targets')}") from None

    def reload(self) -> None:
        """Re-read the config and rule files (POST /-/reload)."""
        request = urllib.request.Request(f"{self.url}/-/reload", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()
