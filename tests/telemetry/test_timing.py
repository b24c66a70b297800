"""``timed`` records seconds as a context manager and a decorator, sync and async, even on errors."""

from __future__ import annotations

import asyncio

import pytest

from aztec.foundation.timer import Timer
from aztec.telemetry import timed
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.telemetry.example_metrics import EXAMPLE_OPERATION, EXAMPLE_OPERATION_DURATION

HASH = {EXAMPLE_OPERATION: "hash"}
SLEEP = {EXAMPLE_OPERATION: "sleep"}


def test_context_manager_and_sync_decorator(telemetry: InMemoryTelemetryClient) -> None:
    histogram = telemetry.get_meter("T").create_histogram(EXAMPLE_OPERATION_DURATION)
    with timed(histogram, HASH):
        sum(range(1000))

    @timed(histogram.bind(HASH))
    def work(n: int) -> int:
        return n * 2

    assert work(21) == 42
    snapshot = telemetry.histogram(EXAMPLE_OPERATION_DURATION, HASH)
    assert snapshot.count == 2
    assert 0 < snapshot.sum < 5


async def test_async_decorator_and_context_manager(telemetry: InMemoryTelemetryClient) -> None:
    histogram = telemetry.get_meter("T").create_histogram(EXAMPLE_OPERATION_DURATION)

    @timed(histogram, SLEEP)
    async def nap() -> str:
        await asyncio.sleep(0.01)
        return "done"

    assert await nap() == "done"
    async with timed(histogram, SLEEP):
        await asyncio.sleep(0)
    snapshot = telemetry.histogram(EXAMPLE_OPERATION_DURATION, SLEEP)
    assert snapshot.count == 2
    assert snapshot.sum >= 0.01


def test_duration_is_recorded_when_the_block_raises(telemetry: InMemoryTelemetryClient) -> None:
    histogram = telemetry.get_meter("T").create_histogram(EXAMPLE_OPERATION_DURATION)

    @timed(histogram, HASH)
    def fail() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail()
    with pytest.raises(KeyError), timed(histogram, HASH):
        raise KeyError("x")
    assert telemetry.histogram(EXAMPLE_OPERATION_DURATION, HASH).count == 2


def test_timer_reads_in_three_units() -> None:
    timer = Timer()
    s, ms, us = timer.s(), timer.ms(), timer.us()
    assert 0 <= s <= ms / 1000 <= us / 1_000_000 < 5
