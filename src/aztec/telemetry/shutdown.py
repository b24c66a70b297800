"""Stopping several telemetry clients at once: in parallel, so the wait is the slowest one's, not the sum."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from aztec.telemetry.api import TelemetryClient


def stop_all(clients: Sequence[TelemetryClient]) -> None:
    """Stop every client (each bounded by its own export timeout) concurrently and wait for them all."""
    threads = [
        threading.Thread(target=client.stop, name=f"telemetry-stop-{index}", daemon=True)
        for index, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
