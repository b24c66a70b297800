"""Node sync: time for a follower to sync 10 and 50 blocks.

Not built yet: it needs the archiver, world state and a block producer.
Replace :func:`run` when they exist.
"""

from __future__ import annotations

from typing import Final

from aztec.bench.errors import ScenarioUnavailableError
from aztec.bench.scenarios.base import Scenario
from aztec.telemetry.api import TelemetryClient

BLOCK_COUNTS: Final = (10, 50)
"""Blocks to sync at scale 1."""


def run(telemetry: TelemetryClient, scale: float) -> None:
    raise ScenarioUnavailableError("node-sync", "the archiver, world state and a block producer")


SCENARIO: Final = Scenario("node-sync", "Time for a follower to sync 10 and 50 blocks", run)
