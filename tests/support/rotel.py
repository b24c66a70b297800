"""A real OpenTelemetry collector hop (rotel, from PyPI): OTLP in over HTTP and gRPC, OTLP/gRPC out."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import rotel

from tests.support.polling import wait_until
from tests.support.prometheus_server import free_port

AGENT = Path(rotel.__file__).parent / "rotel-agent"


class RotelCollector:
    """``rotel-agent start`` on 127.0.0.1, forwarding everything to ``forward_to`` (an OTLP/gRPC endpoint);
    ``extra_args`` are more ``rotel-agent start`` options (``--otel-resource-attributes`` upserts resource
    attributes on everything passing through)."""

    def __init__(
        self, forward_to: str, work_dir: Path, *, batch_timeout: str = "100ms", extra_args: Sequence[str] = ()
    ) -> None:
        if not os.access(AGENT, os.X_OK):
            raise AssertionError(f"the rotel wheel ships no executable agent at {AGENT}")
        self.http_port, self.grpc_port = free_port(), free_port()
        self.log_file = work_dir / "rotel.log"
        self._process = subprocess.Popen(
            [
                str(AGENT),
                "start",
                "--otlp-http-endpoint",
                f"127.0.0.1:{self.http_port}",
                "--otlp-grpc-endpoint",
                f"127.0.0.1:{self.grpc_port}",
                "--exporter",
                "otlp",
                "--otlp-exporter-endpoint",
                forward_to,
                "--otlp-exporter-protocol",
                "grpc",
                "--batch-timeout",
                batch_timeout,
                "--pid-file",
                str(work_dir / "rotel.pid"),
                "--log-file",
                str(self.log_file),
                *extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_listening(self.http_port)
            self._wait_listening(self.grpc_port)
        except BaseException:
            self.close()
            raise

    @property
    def http_base(self) -> str:
        """The OTLP/HTTP base URL (``OTEL_EXPORTER_OTLP_ENDPOINT`` for http/protobuf)."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def grpc_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.grpc_port}"

    def _wait_listening(self, port: int, timeout_s: float = 15.0) -> None:
        def listening() -> bool:
            if self._process.poll() is not None:
                raise AssertionError(f"rotel exited with {self._process.returncode}")
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0

        wait_until(listening, timeout=timeout_s, interval=0.05, message=f"rotel to listen on {port}")

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)

    def __enter__(self) -> RotelCollector:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
