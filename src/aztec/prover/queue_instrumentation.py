"""``ProvingQueueInstrumentation``: queue size, job wait and duration, and job outcomes by job type."""

from __future__ import annotations

from collections.abc import Callable

from aztec.telemetry import attributes as a
from aztec.telemetry.api import BatchObservableResult, BoundCounter, BoundHistogram, TelemetryClient
from aztec.telemetry.definitions import Attributes
from aztec.telemetry.metrics import proving as m


def _job(job_type: str) -> Attributes:
    return {a.PROVING_JOB_TYPE: job_type}


class _JobSeries:
    """One job type's wait, duration and resolved series, bound once (job types are a fixed set)."""

    __slots__ = ("duration", "resolved", "wait")

    def __init__(self, wait: BoundHistogram, duration: BoundHistogram, resolved: BoundCounter) -> None:
        self.wait = wait
        self.duration = duration
        self.resolved = resolved


class ProvingQueueInstrumentation:
    def __init__(self, telemetry: TelemetryClient, sizes: Callable[[], dict[str, int]]) -> None:
        meter = telemetry.get_meter("ProvingQueue")
        self._meter = meter
        self._sizes = sizes
        self._size = meter.create_observable_gauge(m.PROVING_QUEUE_SIZE)
        meter.add_batch_observable_callback(self._observe, [self._size])
        self._duration = meter.create_histogram(m.PROVING_QUEUE_JOB_DURATION)
        self._wait = meter.create_histogram(m.PROVING_QUEUE_JOB_WAIT)
        self._resolved = meter.create_counter(m.PROVING_QUEUE_RESOLVED_JOBS)
        self._rejected = meter.create_counter(m.PROVING_QUEUE_REJECTED_JOBS)
        self._retried = meter.create_counter(m.PROVING_QUEUE_RETRIED_JOBS)
        self._timed_out = meter.create_counter(m.PROVING_QUEUE_TIMED_OUT_JOBS)
        self._jobs: dict[str, _JobSeries] = {}

    def _series(self, job_type: str) -> _JobSeries:
        """Every job records its wait, duration and outcome: bind them once per job type."""
        found = self._jobs.get(job_type)
        if found is None:
            attributes = _job(job_type)
            found = self._jobs[job_type] = _JobSeries(
                self._wait.bind(attributes), self._duration.bind(attributes), self._resolved.bind(attributes)
            )
        return found

    def _observe(self, result: BatchObservableResult) -> None:
        for job_type, size in self._sizes().items():
            result.observe(self._size, size, _job(job_type))

    def record_wait(self, job_type: str, seconds: float) -> None:
        self._series(job_type).wait.record(seconds)

    def record_duration(self, job_type: str, seconds: float) -> None:
        self._series(job_type).duration.record(seconds)

    def record_resolved(self, job_type: str) -> None:
        self._series(job_type).resolved.add(1)

    def record_rejected(self, job_type: str) -> None:
        self._rejected.add(1, _job(job_type))

    def record_retried(self, job_type: str) -> None:
        self._retried.add(1, _job(job_type))

    def record_timed_out(self, job_type: str) -> None:
        self._timed_out.add(1, _job(job_type))

    def close(self) -> None:
        self._meter.remove_batch_observable_callback(self._observe, [self._size])
