"""A worker process's tracing never holds a proof up: a black-holed collector costs one short flush wait."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry.otel import worker_tracing
from aztec.telemetry.trace_settings import ChildProcessTracing, SamplerSettings
from tests.support.otlp_receivers import BlackHole

SAMPLED = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}


@pytest.fixture
def black_holed_worker() -> Iterator[None]:
    hole = BlackHole()
    settings = ChildProcessTracing(
        hole.endpoint.replace("/v1/metrics", "/v1/traces"),
        export_timeout_ms=1_000,
        sampler=SamplerSettings("parentbased_always_on", 1.0),
        resource_attributes={"service.name": "aztec-node"},
    )
    worker_tracing.init_worker_tracing(settings)
    yield
    state, worker_tracing._state = worker_tracing._state, None
    worker_tracing._flushing = True
    if state is not None:
        state[0].shutdown()
    hole.close()


def test_jobs_stop_waiting_for_a_black_holed_collector(
    black_holed_worker: None, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.monotonic()
    for _ in range(10):
        with worker_tracing.worker_span("NativeProverWorker.prove", {a.PROVER_TYPE: "native"}, SAMPLED) as span:
            assert span.ref is not None and span.ref.sampled
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, elapsed  # one wait of FLUSH_WAIT_MS, not ten exports' timeouts
    assert not worker_tracing._flushing
    assert any("could not export its spans" in r.getMessage() for r in caplog.records)
