"""The demo service: hashes and naps in a loop, instrumented like a node component."""

from __future__ import annotations

import asyncio
import hashlib
import random

from aztec.telemetry import TelemetryClient, timed
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.demo import DEMO_IN_FLIGHT, DEMO_OPERATION_COUNT, DEMO_OPERATION_DURATION


class DemoInstrumentation:
    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("DemoService")
        duration = meter.create_histogram(DEMO_OPERATION_DURATION)
        count = meter.create_counter(DEMO_OPERATION_COUNT)
        self.hash_duration = duration.bind({a.DEMO_OPERATION: "hash"})
        self.sleep_duration = duration.bind({a.DEMO_OPERATION: "sleep"})
        self.hash_count = count.bind({a.DEMO_OPERATION: "hash"})
        self.sleep_count = count.bind({a.DEMO_OPERATION: "sleep"})
        self.in_flight = meter.create_up_down_counter(DEMO_IN_FLIGHT)


class DemoService:
    def __init__(self, telemetry: TelemetryClient, *, seed: int = 0) -> None:
        self._metrics = DemoInstrumentation(telemetry)
        self._random = random.Random(seed)
        self.operations = 0

    def hash_once(self, rounds: int) -> bytes:
        self._metrics.in_flight.add(1)
        try:
            with timed(self._metrics.hash_duration):
                digest = b"demo"
                for _ in range(rounds):
                    digest = hashlib.sha256(digest).digest()
            self._metrics.hash_count.add()
            return digest
        finally:
            self._metrics.in_flight.add(-1)

    async def nap(self, seconds: float) -> None:
        async with timed(self._metrics.sleep_duration):
            await asyncio.sleep(seconds)
        self._metrics.sleep_count.add()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set."""
        while not stop.is_set():
            self.hash_once(self._random.randint(1_000, 50_000))
            await self.nap(self._random.uniform(0.01, 0.2))
            self.operations += 2
