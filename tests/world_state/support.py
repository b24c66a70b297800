"""Shared helpers of the world-state tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import TreeDepths, WorldState

SMALL = TreeDepths(note_hash=5, nullifier=5, public_data=5, archive=4)
"""Small enough for the reference's full trees."""


@contextmanager
def opened(
    path: Path, depths: TreeDepths | None = SMALL, telemetry: TelemetryClient | None = None
) -> Iterator[WorldState]:
    with WorldState.open(path, telemetry or NoopTelemetryClient(), depths) as world_state:
        yield world_state
