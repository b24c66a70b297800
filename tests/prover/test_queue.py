"""ProvingQueue: results, retries then rejection, timeouts, concurrency and its metrics."""

from __future__ import annotations

import asyncio

import pytest

from aztec.circuits.errors import CircuitConstraintError
from aztec.prover.queue import ProvingJobRejectedError, ProvingJobTimeoutError, ProvingQueue
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics import proving as m
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.support.polling import wait_until_async

JOB = {a.PROVING_JOB_TYPE: "base-rollup"}


class FlakyJob:
    """Fails its first ``failures`` attempts, then returns ``value``."""

    def __init__(self, failures: int, value: int = 7) -> None:
        self.failures = failures
        self.value = value
        self.attempts = 0

    async def __call__(self) -> int:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise RuntimeError(f"attempt {self.attempts} failed")
        return self.value


async def test_a_job_resolves_and_is_measured(telemetry: InMemoryTelemetryClient) -> None:
    queue = ProvingQueue(telemetry)
    assert await queue.submit("base-rollup", FlakyJob(0, 42)) == 42
    assert queue.stats().resolved == {"base-rollup": 1}
    assert telemetry.counter_value(m.PROVING_QUEUE_RESOLVED_JOBS, JOB) == 1
    assert telemetry.histogram(m.PROVING_QUEUE_JOB_DURATION, JOB).count == 1
    assert telemetry.histogram(m.PROVING_QUEUE_JOB_WAIT, JOB).count == 1
    assert queue.size() == 0


async def test_failed_attempts_are_retried_until_one_succeeds(telemetry: InMemoryTelemetryClient) -> None:
    queue = ProvingQueue(telemetry, max_retries=2)
    job = FlakyJob(2)
    assert await queue.submit("base-rollup", job) == 7
    assert job.attempts == 3
    stats = queue.stats()
    assert (stats.retried, stats.resolved, stats.rejected) == ({"base-rollup": 2}, {"base-rollup": 1}, {})
    assert telemetry.counter_value(m.PROVING_QUEUE_RETRIED_JOBS, JOB) == 2
    assert telemetry.counter_value(m.PROVING_QUEUE_REJECTED_JOBS, JOB) == 0
    assert telemetry.histogram(m.PROVING_QUEUE_JOB_DURATION, JOB).count == 3
    (span,) = telemetry.finished_spans("ProvingQueue.job")
    retries = telemetry.finished_spans("ProvingQueue.retry")
    assert span.attributes is not None and span.attributes["aztec.proving.attempt"] == 3
    assert [r.attributes["aztec.proving.attempt"] for r in retries if r.attributes] == [2, 3]
    assert all(r.parent is not None and r.parent.span_id == span.context.span_id for r in retries)
    assert retries[0].status.status_code.name == "ERROR"  # the second attempt failed too


async def test_a_job_failing_every_attempt_is_rejected_after_the_retries(telemetry: InMemoryTelemetryClient) -> None:
    queue = ProvingQueue(telemetry, max_retries=2)
    job = FlakyJob(10)
    with pytest.raises(ProvingJobRejectedError, match="base-rollup job rejected after 3 attempt") as caught:
        await queue.submit("base-rollup", job)
    assert job.attempts == 3
    assert caught.value.attempts == 3
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert str(caught.value.__cause__) == "attempt 3 failed"
    stats = queue.stats()
    assert (stats.retried, stats.rejected, stats.resolved) == ({"base-rollup": 2}, {"base-rollup": 1}, {})
    assert telemetry.counter_value(m.PROVING_QUEUE_REJECTED_JOBS, JOB) == 1
    assert telemetry.counter_value(m.PROVING_QUEUE_RETRIED_JOBS, JOB) == 2
    assert queue.size() == 0


async def test_a_circuit_error_is_rejected_without_retrying(telemetry: InMemoryTelemetryClient) -> None:
    queue = ProvingQueue(telemetry, max_retries=3)
    attempts = 0

    async def bad_inputs() -> int:
        nonlocal attempts
        attempts += 1
        raise CircuitConstraintError(CircuitName.MERGE_ROLLUP, "children are not contiguous")

    with pytest.raises(ProvingJobRejectedError, match="merge-rollup: children are not contiguous"):
        await queue.submit("merge-rollup", bad_inputs)
    assert attempts == 1
    assert queue.stats().retried == {}
    assert queue.stats().rejected == {"merge-rollup": 1}


async def test_timed_out_attempts_are_counted_and_retried(telemetry: InMemoryTelemetryClient) -> None:
    queue = ProvingQueue(telemetry, max_retries=1, timeout_s=0.05)
    never = asyncio.Event()
    attempts = 0

    async def hangs_first_time() -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            await never.wait()
        return "proved"

    assert await queue.submit("base-rollup", hangs_first_time) == "proved"
    stats = queue.stats()
    assert stats.timed_out == stats.retried == stats.resolved == {"base-rollup": 1}
    assert telemetry.counter_value(m.PROVING_QUEUE_TIMED_OUT_JOBS, JOB) == 1


async def test_a_job_timing_out_every_attempt_is_rejected(telemetry: InMemoryTelemetryClient) -> None:
    queue = ProvingQueue(telemetry, max_retries=2)
    never = asyncio.Event()

    async def hangs() -> None:
        await never.wait()

    with pytest.raises(ProvingJobRejectedError) as caught:
        await queue.submit("root-rollup", hangs, timeout_s=0.02)
    assert isinstance(caught.value.__cause__, ProvingJobTimeoutError)
    assert "exceeded its timeout of 0.02 s" in str(caught.value)
    stats = queue.stats()
    assert (stats.timed_out, stats.retried) == ({"root-rollup": 3}, {"root-rollup": 2})
    assert stats.rejected == {"root-rollup": 1}


async def test_a_timeout_error_raised_by_the_job_itself_is_not_a_queue_timeout() -> None:
    queue = ProvingQueue(NoopTelemetryClient(), max_retries=0, timeout_s=10)

    async def raises_timeout() -> None:
        raise TimeoutError("upstream timed out")

    with pytest.raises(ProvingJobRejectedError, match="upstream timed out"):
        await queue.submit("base-parity", raises_timeout)
    assert queue.stats().timed_out == {}


async def test_concurrency_bounds_running_jobs_and_the_size_gauge_counts_waiting_ones(
    telemetry: InMemoryTelemetryClient,
) -> None:
    queue = ProvingQueue(telemetry, concurrency=2)
    release = asyncio.Event()
    running = 0
    peak = 0

    async def job() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await release.wait()
        running -= 1

    tasks = [asyncio.create_task(queue.submit("base-rollup", job)) for _ in range(3)]
    tasks.append(asyncio.create_task(queue.submit("merge-rollup", job)))
    await wait_until_async(lambda: running == 2, timeout=5.0, interval=0.001)
    assert queue.sizes() == {"base-rollup": 3, "merge-rollup": 1}
    assert telemetry.gauge_value(m.PROVING_QUEUE_SIZE, JOB) == 3
    assert telemetry.gauge_value(m.PROVING_QUEUE_SIZE, {a.PROVING_JOB_TYPE: "merge-rollup"}) == 1
    release.set()
    await asyncio.gather(*tasks)
    assert peak == 2
    assert queue.size() == 0
    assert telemetry.gauge_value(m.PROVING_QUEUE_SIZE, JOB) == 0
    assert telemetry.histogram(m.PROVING_QUEUE_JOB_WAIT, JOB).count == 3


async def test_a_cancelled_submission_leaves_the_queue() -> None:
    queue = ProvingQueue(NoopTelemetryClient())
    never = asyncio.Event()
    task = asyncio.create_task(queue.submit("base-rollup", never.wait))
    await wait_until_async(lambda: queue.size() == 1, timeout=5.0, interval=0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert queue.size() == 0
    assert queue.stats().rejected == {}


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        ProvingQueue(NoopTelemetryClient(), concurrency=0)
    with pytest.raises(ValueError, match="max_retries"):
        ProvingQueue(NoopTelemetryClient(), max_retries=-1)
    with pytest.raises(ValueError, match="timeout_s"):
        ProvingQueue(NoopTelemetryClient(), timeout_s=0)
