"""A cancelled task does not outrun the thread it started."""

from __future__ import annotations

import asyncio
import threading

import pytest

from aztec.foundation.threads import run_in_thread


async def test_returns_the_result_and_raises_the_error() -> None:
    def add(x: int, *, y: int) -> int:
        return x + y

    assert await run_in_thread(add, 2, y=3) == 5

    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await run_in_thread(fail)


async def test_a_cancellation_waits_for_the_thread_to_finish() -> None:
    started, release = threading.Event(), threading.Event()
    finished: list[bool] = []

    def work() -> None:
        started.set()
        release.wait(timeout=10)
        finished.append(True)

    task = asyncio.ensure_future(run_in_thread(work))
    await asyncio.to_thread(started.wait, 10)
    task.cancel()
    for _ in range(5):  # cancelled, but still waiting on the thread; cancelling again changes nothing
        await asyncio.sleep(0.01)
        assert not task.done()
        task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == [True], "the thread had finished when the cancellation reached the caller"
