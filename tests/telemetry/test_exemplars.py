"""Exemplars: a histogram record inside a sampled span keeps (trace id, span id, value, time), last per
bucket, on the local cells and through the SDK, and OTLP carries them to a real decoding receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.otel.cells import HistogramCell, PendingValues, TracedHistogramCell, TracedPendingValues
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.trace_settings import SamplerSettings
from tests.support.otlp_receivers import OtlpHttpReceiver

ATTRS = {a.PROTOCOL_CIRCUIT_NAME: "base-rollup", a.PROVER_TYPE: "native"}


@pytest.fixture
def receiver() -> Iterator[OtlpHttpReceiver]:
    receiver = OtlpHttpReceiver()
    yield receiver
    receiver.close()


def _client(receiver: OtlpHttpReceiver, *, local: bool = True, traces: bool = True) -> OtelTelemetryClient:
    return OtelTelemetryClient(
        TelemetryConfig(
            otlp_metrics=OtlpExport(receiver.endpoint),
            otlp_traces=OtlpExport(receiver.traces_endpoint) if traces else None,
            trace_sampler=SamplerSettings("parentbased_always_on", 1.0),
            collect_interval_ms=60_000,
            host_metrics=False,
            local_aggregation=local,
        ),
        probe_otlp=False,
    )


def test_a_record_in_a_sampled_span_keeps_the_last_exemplar_of_its_bucket(receiver: OtlpHttpReceiver) -> None:
    client = _client(receiver)
    try:
        histogram = client.get_meter("NativeCircuitProver").create_histogram(CIRCUIT_SIMULATION_DURATION)
        bound = histogram.bind(ATTRS)
        assert isinstance(bound, TracedPendingValues) and isinstance(bound.cell, TracedHistogramCell)
        assert bound.record == bound.append  # no sampled span open: a bound record is an append
        tracer = client.get_tracer("T")
        bound.record(0.002)  # outside any span: no exemplar
        unsampled = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}
        with tracer.span("unsampled", parent=unsampled):
            bound.record(0.002)
        with tracer.span("first"):
            bound.record(0.0021)
        with tracer.span("second") as second:
            bound.record(0.0022)  # the same bucket: replaces the first
            bound.record(1.5)
        assert bound.record == bound.append  # the last sampled span closed
        exemplars = [e for e in bound.cell.exemplars if e is not None]
        assert second.ref is not None
        assert [(e.value, e.trace_id, e.span_id) for e in exemplars] == [
            (0.0022, second.ref.trace_id, second.ref.span_id),
            (1.5, second.ref.trace_id, second.ref.span_id),
        ]
        assert client.flush(10)
        points = receiver.wait_for(lambda ps: any(p.metric == CIRCUIT_SIMULATION_DURATION.name for p in ps))
        (point,) = [p for p in points if p.metric == CIRCUIT_SIMULATION_DURATION.name]
        sent = sorted((e.as_double, e.trace_id.hex(), e.span_id.hex()) for e in point.point.exemplars)
        assert sent == [
            (0.0022, second.ref.trace_id_hex, second.ref.span_id_hex),
            (1.5, second.ref.trace_id_hex, second.ref.span_id_hex),
        ]
        assert all(e.time_unix_nano > 0 for e in point.point.exemplars)
    finally:
        client.stop()


def test_traces_off_histograms_keep_no_exemplars(receiver: OtlpHttpReceiver) -> None:
    client = _client(receiver, traces=False)
    try:
        histogram = client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
        bound = histogram.bind(ATTRS)
        assert type(bound) is PendingValues  # the plain cell's bound instrument: an append, nothing more
        with client.get_tracer("T").span("x"):
            bound.record(0.01)
        (cell,) = {series.cell for series in histogram._metric.series()}  # type: ignore[attr-defined]
        assert type(cell) is HistogramCell
        assert cell.exemplars == [None] * len(cell.exemplars)
    finally:
        client.stop()


def test_the_sdk_path_exports_exemplars_too(receiver: OtlpHttpReceiver) -> None:
    client = _client(receiver, local=False)
    try:
        histogram = client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
        with client.get_tracer("T").span("x") as span:
            histogram.record(0.01, ATTRS)
        assert client.flush(10)
        points = receiver.wait_for(lambda ps: any(p.metric == CIRCUIT_SIMULATION_DURATION.name for p in ps))
        (point,) = [p for p in points if p.metric == CIRCUIT_SIMULATION_DURATION.name]
        assert span.ref is not None
        assert [(e.as_double, e.span_id.hex()) for e in point.point.exemplars] == [(0.01, span.ref.span_id_hex)]
    finally:
        client.stop()
