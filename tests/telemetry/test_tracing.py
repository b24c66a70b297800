"""Spans through the call-site API (no OpenTelemetry types): nesting, errors, links, async, carriers, sampling."""

from __future__ import annotations

import asyncio
import threading

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import TraceIdRatioBased
from opentelemetry.trace import SpanKind, StatusCode

from aztec.foundation.config import ConfigError
from aztec.telemetry import attributes as a
from aztec.telemetry.api import Tracer
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.noop import NOOP_TRACER
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.span_context import current_span_ref
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.telemetry.trace_settings import SamplerSettings
from aztec.telemetry.traced import traced


def test_nested_spans_are_parent_and_child(telemetry: InMemoryTelemetryClient) -> None:
    tracer = telemetry.get_tracer("T")
    with tracer.span("outer", {a.BLOCK_NUMBER: 7}) as outer, tracer.span("inner", kind="client") as inner:
        inner.set_attribute(a.TX_HASH, "0xabc")
        assert current_span_ref() == inner.ref
    assert current_span_ref() is None
    spans = {s.name: s for s in telemetry.finished_spans()}
    assert spans["inner"].parent is not None
    assert spans["inner"].parent.span_id == spans["outer"].context.span_id
    assert spans["inner"].kind is SpanKind.CLIENT
    assert spans["outer"].attributes == {"aztec.block.number": 7}
    assert spans["inner"].attributes == {"aztec.tx.hash": "0xabc"}
    assert outer.ref is not None and outer.ref.trace_id == spans["outer"].context.trace_id


def test_an_escaping_error_marks_the_span_failed(telemetry: InMemoryTelemetryClient) -> None:
    with pytest.raises(ValueError, match="boom"), telemetry.get_tracer("T").span("failing"):
        raise ValueError("boom")
    (span,) = telemetry.finished_spans("failing")
    assert span.status.status_code is StatusCode.ERROR
    assert [e.name for e in span.events] == ["exception"]


def test_links_point_at_other_spans(telemetry: InMemoryTelemetryClient) -> None:
    tracer = telemetry.get_tracer("T")
    refs = []
    for _ in range(3):
        with tracer.span("tx") as tx:
            refs.append(tx.ref)
    with tracer.span("block", links=[*refs, None]):
        pass
    (block,) = telemetry.finished_spans("block")
    assert [link.context.span_id for link in block.links] == [r.span_id for r in refs if r is not None]


class _Traced:
    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    @traced("Traced.sync", {a.PROVER_TYPE: "native"})
    def sync(self, value: int) -> int:
        return value + 1

    @traced("Traced.async")
    async def run(self, value: int) -> int:
        await asyncio.sleep(0)
        with self.tracer.span("Traced.inner"):
            await asyncio.sleep(0)
        return value * 2


def test_traced_decorates_sync_and_async_methods(telemetry: InMemoryTelemetryClient) -> None:
    subject = _Traced(telemetry.get_tracer("T"))
    assert subject.sync(1) == 2
    assert asyncio.run(subject.run(3)) == 6
    spans = {s.name: s for s in telemetry.finished_spans()}
    assert dict(spans["Traced.sync"].attributes or {}) == {str(a.PROVER_TYPE): "native"}
    inner, outer = spans["Traced.inner"], spans["Traced.async"]
    assert inner.parent is not None and inner.parent.span_id == outer.context.span_id


def test_a_carrier_takes_the_context_to_another_thread(telemetry: InMemoryTelemetryClient) -> None:
    tracer = telemetry.get_tracer("T")
    with tracer.span("parent"):
        carrier = tracer.inject()
    assert int(carrier["traceparent"][-2:], 16) & 1  # the sampled flag

    def work() -> None:
        with tracer.span("in-thread", parent=carrier):
            pass

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    spans = {s.name: s for s in telemetry.finished_spans()}
    child, parent = spans["in-thread"], spans["parent"]
    assert child.parent is not None and child.parent.span_id == parent.context.span_id
    assert child.context.trace_id == parent.context.trace_id
    assert tracer.inject() == {}


def test_traces_off_hands_out_the_noop_tracer() -> None:
    client = OtelTelemetryClient(TelemetryConfig(prometheus_port=0, host_metrics=False))
    try:
        tracer = client.get_tracer("T")
        assert tracer is NOOP_TRACER and not tracer.enabled
        with tracer.span("x") as span:
            assert span.ref is None
        assert tracer.inject() == {}
        assert tracer.child_process_settings() is None
    finally:
        client.stop()


def _sampled_client(sampler: SamplerSettings) -> tuple[OtelTelemetryClient, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    client = OtelTelemetryClient(
        TelemetryConfig(host_metrics=False, trace_sampler=sampler),
        extra_span_processors=[SimpleSpanProcessor(exporter)],
    )
    return client, exporter


def test_the_ratio_sampler_keeps_that_share_of_root_spans() -> None:
    client, exporter = _sampled_client(SamplerSettings("parentbased_traceidratio", 0.25))
    try:
        tracer = client.get_tracer("T")
        for _ in range(4000):
            with tracer.span("root"), tracer.span("child"):
                pass
        roots = len([s for s in exporter.get_finished_spans() if s.name == "root"])
        children = len([s for s in exporter.get_finished_spans() if s.name == "child"])
        assert 800 < roots < 1200  # 1000 expected; 6 standard deviations either side
        assert children == roots  # parent-based: a child follows its root's decision
    finally:
        client.stop()


def test_a_parent_decision_in_a_carrier_is_followed() -> None:
    client, exporter = _sampled_client(SamplerSettings("parentbased_traceidratio", 1.0))
    try:
        tracer = client.get_tracer("T")
        unsampled = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}
        with tracer.span("remote-child", parent=unsampled) as span:
            assert span.ref is not None and not span.ref.sampled
        assert exporter.get_finished_spans() == ()
    finally:
        client.stop()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, SamplerSettings("parentbased_traceidratio", 0.05)),
        ({"OTEL_TRACES_SAMPLER": "parentbased_traceidratio"}, SamplerSettings("parentbased_traceidratio", 1.0)),
        (
            {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"},
            SamplerSettings("traceidratio", 0.5),
        ),
        ({"OTEL_TRACES_SAMPLER": "ALWAYS_OFF", "OTEL_TRACES_SAMPLER_ARG": "7"}, SamplerSettings("always_off", 1.0)),
    ],
)
def test_sampler_settings_follow_the_specification(env: dict[str, str], expected: SamplerSettings) -> None:
    assert SamplerSettings.from_env(env) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OTEL_TRACES_SAMPLER": "sometimes"}, "invalid setting OTEL_TRACES_SAMPLER='sometimes': expected one of"),
        ({"OTEL_TRACES_SAMPLER_ARG": "half"}, "invalid setting OTEL_TRACES_SAMPLER_ARG='half'"),
        ({"OTEL_TRACES_SAMPLER_ARG": "1.5"}, "invalid setting OTEL_TRACES_SAMPLER_ARG='1.5'"),
    ],
)
def test_bad_sampler_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        TelemetryConfig.from_env(env)


def test_children_of_an_unsampled_span_cost_no_sdk_span_and_propagate_the_decision() -> None:
    client, exporter = _sampled_client(SamplerSettings("parentbased_traceidratio", 0.0))
    try:
        tracer = client.get_tracer("T")
        with tracer.span("root") as root, tracer.span("child") as child:
            assert root.ref is not None and not root.ref.sampled
            assert child.ref == root.ref  # the parent stays current: nothing was started
            carrier = tracer.inject()
        assert carrier["traceparent"].startswith(f"00-{root.ref.trace_id_hex}-{root.ref.span_id_hex}-")
        assert not int(carrier["traceparent"][-2:], 16) & 1  # not sampled
        assert exporter.get_finished_spans() == ()
    finally:
        client.stop()


def test_roots_are_decided_on_their_trace_id_as_the_sdk_sampler_decides() -> None:
    """The tracer decides a root itself (an unsampled one never reaches the SDK); a sampled root is the SDK's
    span on the trace id that was decided, so the SDK's own ratio sampler agrees with every decision."""
    client, exporter = _sampled_client(SamplerSettings("parentbased_traceidratio", 0.5))
    bound = TraceIdRatioBased.get_bound_for_rate(0.5)
    try:
        tracer = client.get_tracer("T")
        refs = []
        for _ in range(400):
            with tracer.span("root") as root:
                assert root.ref is not None and current_span_ref() == root.ref
                flags = int(tracer.inject()["traceparent"][-2:], 16)
                assert bool(flags & 1) == root.ref.sampled
                refs.append(root.ref)
            assert current_span_ref() is None
        assert all(ref.sampled == (ref.trace_id & ((1 << 64) - 1) < bound) for ref in refs)
        assert 120 < sum(ref.sampled for ref in refs) < 280  # 200 expected; 6 standard deviations either side
        exported = {(s.context.trace_id, s.context.span_id) for s in exporter.get_finished_spans()}
        assert exported == {(ref.trace_id, ref.span_id) for ref in refs if ref.sampled}
        assert len({ref.trace_id for ref in refs}) == len(refs)
    finally:
        client.stop()
