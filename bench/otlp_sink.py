"""An OTLP/HTTP endpoint on 127.0.0.1 that accepts every export and discards it: a collector that keeps up."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OtlpSink:
    """``base`` is the OTLP base URL; ``endpoint`` its ``/v1/metrics`` (``/v1/traces`` and ``/v1/logs`` too)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self.endpoint = f"{self.base}/v1/metrics"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
