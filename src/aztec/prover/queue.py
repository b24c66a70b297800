"""``ProvingQueue``: runs proving jobs with bounded concurrency, per-attempt timeouts and retries.

A job is an async callable. It waits for one of ``concurrency`` slots, then runs under the timeout. An
attempt that raises or times out is retried (back at the end of the line) up to ``max_retries`` times;
then the job is rejected with :class:`ProvingJobRejectedError`. A :class:`~aztec.circuits.errors.CircuitError`
is deterministic (the same inputs fail the same checks), so it rejects the job at once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aztec.circuits.errors import CircuitError
from aztec.foundation.timer import Timer
from aztec.prover.queue_instrumentation import ProvingQueueInstrumentation
from aztec.telemetry import attributes as a
from aztec.telemetry.api import Span, TelemetryClient

T = TypeVar("T")


class ProvingJobRejectedError(Exception):
    """A job failed for good; ``__cause__`` is the last attempt's error."""

    def __init__(self, job_type: str, attempts: int, reason: str) -> None:
        super().__init__(f"{job_type} job rejected after {attempts} attempt(s): {reason}")
        self.job_type = job_type
        self.attempts = attempts


class ProvingJobTimeoutError(TimeoutError):
    def __init__(self, job_type: str, timeout_s: float) -> None:
        super().__init__(f"{job_type} job attempt exceeded its timeout of {timeout_s} s")


def _is_retryable(error: BaseException) -> bool:
    return not isinstance(error, CircuitError)


@dataclass(frozen=True, slots=True)
class ProvingQueueStats:
    """Counts by job type since the queue was created."""

    resolved: dict[str, int]
    rejected: dict[str, int]
    retried: dict[str, int]
    """Failed attempts that were retried."""
    timed_out: dict[str, int]
    """Attempts that exceeded their timeout (retried or not)."""


class ProvingQueue:
    def __init__(
        self,
        telemetry: TelemetryClient,
        *,
        concurrency: int = 1,
        max_retries: int = 2,
        timeout_s: float | None = None,
        retryable: Callable[[BaseException], bool] = _is_retryable,
    ) -> None:
        """``concurrency``: jobs running at once (match the prover's workers); ``max_retries``: extra attempts
        after a failure; ``timeout_s``: default per-attempt timeout (None: none); ``retryable``: which errors
        may be retried."""
        if concurrency < 1:
            raise ValueError(f"proving queue concurrency must be >= 1, got {concurrency}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        if timeout_s is not None and timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.timeout_s = timeout_s
        self._retryable = retryable
        self._slots = asyncio.Semaphore(concurrency)
        self._sizes: Counter[str] = Counter()
        self._resolved: Counter[str] = Counter()
        self._rejected: Counter[str] = Counter()
        self._retried: Counter[str] = Counter()
        self._timed_out: Counter[str] = Counter()
        self._instrumentation = ProvingQueueInstrumentation(telemetry, self.sizes)
        self.tracer = telemetry.get_tracer("ProvingQueue")

    def sizes(self) -> dict[str, int]:
        """Jobs waiting or running, by job type (types seen before with 0)."""
        return dict(self._sizes)

    def size(self) -> int:
        return sum(self._sizes.values())

    def stats(self) -> ProvingQueueStats:
        return ProvingQueueStats(dict(self._resolved), dict(self._rejected), dict(self._retried), dict(self._timed_out))

    async def submit(self, job_type: str, run: Callable[[], Awaitable[T]], *, timeout_s: float | None = None) -> T:
        """Run ``run()`` as a job of ``job_type`` and return its result, retrying failed attempts.

        ``timeout_s`` overrides the queue's per-attempt timeout. Raises :class:`ProvingJobRejectedError`
        once the job failed for good.
        """
        timeout = self.timeout_s if timeout_s is None else timeout_s
        self._sizes[job_type] += 1
        try:
            async with self.tracer.span("ProvingQueue.job", {a.PROVING_JOB_TYPE: job_type}) as span:
                return await self._submit(job_type, run, timeout, span)
        finally:
            self._sizes[job_type] -= 1

    async def _submit(self, job_type: str, run: Callable[[], Awaitable[T]], limit_s: float | None, span: Span) -> T:
        attempts = 0
        while True:
            attempts += 1
            span.set_attribute(a.PROVING_ATTEMPT, attempts)
            try:
                if attempts == 1:  # the job's span covers the first attempt; each retry gets its own span
                    return await self._attempt(job_type, run, limit_s)
                async with self.tracer.span("ProvingQueue.retry", {a.PROVING_ATTEMPT: attempts}):
                    return await self._attempt(job_type, run, limit_s)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if attempts > self.max_retries or not self._retryable(error):
                    self._rejected[job_type] += 1
                    self._instrumentation.record_rejected(job_type)
                    raise ProvingJobRejectedError(job_type, attempts, str(error)) from error
                self._retried[job_type] += 1
                self._instrumentation.record_retried(job_type)

    async def _attempt(self, job_type: str, run: Callable[[], Awaitable[T]], limit_s: float | None) -> T:
        waited = Timer()
        async with self._slots:
            self._instrumentation.record_wait(job_type, waited.s())
            timer = Timer()
            deadline = asyncio.timeout(limit_s)
            try:
                async with deadline:
                    result = await run()
            except TimeoutError as error:
                self._instrumentation.record_duration(job_type, timer.s())
                if limit_s is not None and deadline.expired():
                    self._timed_out[job_type] += 1
                    self._instrumentation.record_timed_out(job_type)
                    raise ProvingJobTimeoutError(job_type, limit_s) from error
                raise
            except BaseException:
                self._instrumentation.record_duration(job_type, timer.s())
                raise
        self._instrumentation.record_duration(job_type, timer.s())
        self._resolved[job_type] += 1
        self._instrumentation.record_resolved(job_type)
        return result

    def close(self) -> None:
        """Stop reporting the queue size."""
        self._instrumentation.close()
