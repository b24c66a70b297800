"""A real Alertmanager (Debian's prometheus-alertmanager) started by tests on 127.0.0.1, and a webhook receiver.

The Alertmanager runs with clustering off and its own temporary storage; the receiver is an HTTP server in the
test process that keeps every notification Alertmanager posts (Alertmanager's webhook JSON, version 4).
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.prometheus_server import free_port, require_binary, wait_ready

ALERTMANAGER_BINARY = "prometheus-alertmanager"


@dataclass(frozen=True)
class Notification:
    """One alert of one webhook post: its status (firing, resolved), labels and annotations."""

    at: float
    receiver: str
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: float = 0.0
    """When the alert started firing (Unix time, from Prometheus)."""
    ends_at: float = 0.0
    """When it resolved (Unix time; 0 while firing)."""


def unix_time(rfc3339: str) -> float:
    """Alertmanager's RFC 3339 time (nanoseconds, Z) as Unix time; 0 for Go's zero time."""
    if rfc3339.startswith("0001-"):
        return 0.0
    match = re.fullmatch(r"(.+?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", rfc3339)
    if match is None:
        raise ValueError(f"not an RFC 3339 time: {rfc3339!r}")
    base, fraction, zone = match.groups()
    moment = datetime.fromisoformat(base + ("+00:00" if zone == "Z" else zone))
    return moment.timestamp() + float(f"0.{fraction or 0}")


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 keeping every alert Alertmanager posts to it, with the time it arrived."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []
        self._condition = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                now = time.monotonic()
                with receiver._condition:
                    for alert in body.get("alerts", []):
                        receiver.notifications.append(
                            Notification(
                                now,
                                body["receiver"],
                                alert["status"],
                                alert["labels"],
                                alert["annotations"],
                                unix_time(alert["startsAt"]),
                                unix_time(alert["endsAt"]),
                            )
                        )
                    receiver._condition.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/alerts"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(
        self, match: Callable[[Notification], bool], timeout_s: float, what: str, since: float = 0.0
    ) -> Notification:
        """The first notification after ``since`` (monotonic) that ``match`` accepts, or fail naming ``what``."""
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while True:
                for notification in self.notifications:
                    if notification.at >= since and match(notification):
                        return notification
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({(n.labels.get("alertname", ""), n.status) for n in self.notifications})
                    raise AssertionError(f"{what}: no notification within {timeout_s:.0f} s; received {seen}")
                self._condition.wait(min(remaining, 0.5))

    def received(self, match: Callable[[Notification], bool]) -> list[Notification]:
        with self._condition:
            return [n for n in self.notifications if match(n)]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class AlertmanagerServer:
    def __init__(self, config_text: str, workdir: Path) -> None:
        binary = require_binary(ALERTMANAGER_BINARY)
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "alertmanager.yml"
        config.write_text(config_text)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = (workdir / "alertmanager.log").open("w")
        self._process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        wait_ready(self._process, self.url, self.workdir / "alertmanager.log", "alertmanager")

    def post_alerts(self, alerts: list[dict[str, Any]]) -> None:
        """Send alerts as Prometheus does (POST /api/v2/alerts)."""
        request = urllib.request.Request(
            f"{self.url}/api/v2/alerts",
            data=json.dumps(alerts).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def alerts(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts", timeout=10) as response:
            result: list[dict[str, Any]] = json.load(response)
            return result

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()
