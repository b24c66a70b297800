"""Traces and logs from the live sandbox, decoded by a real OTLP/HTTP receiver: one sandbox for the module.

One tx's trace spans the bot and the node; a block's trace has the processor, fork/commit and publish
spans; the block build span links to the txs' admission spans; a proving trace has a span exported by
the native prover's worker process (its own resource and process.pid); log records (OTLP and the
JSON lines on stdout) carry the trace and span ids of the span they were logged in.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.sandbox_process import FAST_SANDBOX_ARGS, SandboxProcess
from tests.support.otlp_receivers import OtlpHttpReceiver, ReceivedLog, ReceivedSpan
from tests.support.prometheus_server import PrometheusServer

pytestmark = pytest.mark.e2e

SERVER, CLIENT = 2, 3  # OTLP SpanKind values


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpHttpReceiver]:
    receiver = OtlpHttpReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def sandbox(receiver: OtlpHttpReceiver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    env = {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": receiver.traces_endpoint,
        "OTEL_TRACES_SAMPLER": "parentbased_always_on",
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # the SDK's batch span processor: export every 0.2 s
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": receiver.logs_endpoint,
        "OTEL_BLRP_SCHEDULE_DELAY": "200",  # and its batch log record processor
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": receiver.endpoint,
        "OTEL_COLLECT_INTERVAL_MS": "500",
    }
    args = (*FAST_SANDBOX_ARGS, "--log-format", "json", "--log-level", "info; debug:p2p")
    process = SandboxProcess(tmp_path_factory.mktemp("traces") / "data", *args, env=env)
    process.urls()
    yield process
    process.close()


def _traces(spans: list[ReceivedSpan]) -> dict[str, list[ReceivedSpan]]:
    by_trace: dict[str, list[ReceivedSpan]] = {}
    for span in spans:
        by_trace.setdefault(span.trace_id, []).append(span)
    return by_trace


def _find_trace(receiver: OtlpHttpReceiver, wanted: set[str], what: str) -> list[ReceivedSpan]:
    def check() -> list[ReceivedSpan] | None:
        for spans in _traces(receiver.spans()).values():
            if wanted <= {s.name for s in spans}:
                return spans
        return None

    trace: list[ReceivedSpan] = receiver.wait_for_signal(check, what, timeout_s=60)
    return trace


def test_one_tx_has_one_trace_from_the_bot_through_the_node(
    sandbox: SandboxProcess, receiver: OtlpHttpReceiver
) -> None:
    trace = _find_trace(receiver, {"Bot.send_transfer", "node_sendTx", "TxPool.add_tx"}, "a tx's trace")
    by_name = {(s.name, s.kind): s for s in trace}
    send = next(s for s in trace if s.name == "Bot.send_transfer")
    client = by_name[("node_sendTx", CLIENT)]
    server = by_name[("node_sendTx", SERVER)]
    admission = next(s for s in trace if s.name == "TxPool.add_tx")
    assert send.service == client.service == "aztec-bot"
    assert server.service == admission.service == "aztec-node"
    assert client.parent_span_id == send.span_id
    assert server.parent_span_id == client.span_id
    assert admission.parent_span_id == server.span_id
    assert server.attributes["rpc.system"] == "jsonrpc" and server.attributes["rpc.method"] == "node_sendTx"
    assert admission.attributes["aztec.tx.hash"] == send.attributes["aztec.tx.hash"]


def test_a_block_trace_has_processing_fork_commit_and_publish(
    sandbox: SandboxProcess, receiver: OtlpHttpReceiver
) -> None:
    wanted = {
        "Sequencer.slot",
        "Sequencer.take_txs",
        "Sequencer.build_block",
        "WorldState.fork",
        "PublicProcessor.process",
        "PublicProcessor.process_tx",
        "PublicProcessor.phase",
        "Sequencer.close_block",
        "L1Publisher.publish_block",
        "WorldState.commit",
    }
    trace = _find_trace(receiver, wanted, "a block's trace")
    slot = next(s for s in trace if s.name == "Sequencer.slot")
    assert slot.parent_span_id == ""  # the root
    assert slot.attributes["aztec.sequencer.block_outcome"] == "published"
    build = next(s for s in trace if s.name == "Sequencer.build_block")
    processing = next(s for s in trace if s.name == "PublicProcessor.process")
    assert processing.parent_span_id == build.span_id  # in the build thread, the context followed
    assert next(s for s in trace if s.name == "L1Publisher.publish_block").attributes["aztec.outcome"] == "success"


def test_the_block_build_span_links_to_the_admission_spans_of_its_txs(
    sandbox: SandboxProcess, receiver: OtlpHttpReceiver
) -> None:
    def check() -> tuple[ReceivedSpan, set[tuple[str, str]]] | None:
        spans = receiver.spans()
        admissions = {(s.trace_id, s.span_id) for s in spans if s.name == "TxPool.add_tx"}
        for build in (s for s in spans if s.name == "Sequencer.build_block" and s.links):
            if set(build.links) <= admissions:
                return build, admissions
        return None

    build, _ = receiver.wait_for_signal(check, "a block build span linked to its txs", timeout_s=60)
    assert len(build.links) == build.attributes["aztec.block.tx_count"]


def test_a_proving_trace_has_a_span_exported_by_the_worker_process(
    sandbox: SandboxProcess, receiver: OtlpHttpReceiver
) -> None:
    trace = _find_trace(
        receiver,
        {"ProverNode.prove_block", "ProvingOrchestrator.prove_block", "ProvingQueue.job", "NativeProverWorker.prove"},
        "a proving trace with the worker's span",
    )
    root = next(s for s in trace if s.name == "ProverNode.prove_block")
    assert root.parent_span_id == ""
    assert root.links, "the proving trace links to the sequencer's slot"
    parents = {s.span_id: s for s in trace}
    worker = next(s for s in trace if s.name == "NativeProverWorker.prove")
    parent = parents[worker.parent_span_id]
    assert parent.name == "NativeCircuitProver.prove"
    assert (
        worker.attributes["aztec.circuit.protocol_circuit_name"]
        == parent.attributes["aztec.circuit.protocol_circuit_name"]
    )
    worker_pid = worker.resource["process.pid"]
    assert worker_pid != sandbox.pid and worker.attributes["process.pid"] == worker_pid
    assert worker.service == root.service == "aztec-node"
    assert parents[parent.parent_span_id].name == "ProvingQueue.job"


def test_log_records_carry_the_trace_of_their_span(sandbox: SandboxProcess, receiver: OtlpHttpReceiver) -> None:
    def check() -> tuple[ReceivedLog, ReceivedSpan] | None:
        slots = {s.span_id: s for s in receiver.spans() if s.name == "Sequencer.slot"}
        for record in receiver.logs():
            if record.body.startswith("sequencer: published block") and record.span_id in slots:
                return record, slots[record.span_id]
        return None

    record, slot = receiver.wait_for_signal(check, "a 'published block' log record in its slot's span", timeout_s=60)
    assert record.trace_id == slot.trace_id
    assert record.service == "aztec-node" and record.severity == "INFO"
    assert record.resource["service.instance.id"] == slot.resource["service.instance.id"]
    lines = [json.loads(line) for line in sandbox.lines if line.startswith("{")]
    published = [e for e in lines if e["message"].startswith("sequencer: published block") and "trace_id" in e]
    assert published and published[0]["service.name"] == "aztec-node" and len(published[0]["span_id"]) == 16
    debug = {e["logger"] for e in lines if e["level"] == "debug"}
    assert "aztec.p2p.tx_pool" in debug  # the override: "block N mined M pooled txs"
    assert all(name.startswith("aztec.p2p") for name in debug), debug


BUILD_DURATION = "aztec.sequencer.block.build_duration"


def test_block_build_durations_go_out_over_otlp_with_exemplars_of_their_traces(
    sandbox: SandboxProcess, receiver: OtlpHttpReceiver
) -> None:
    def check() -> tuple[str, str] | None:
        slots = {(s.trace_id, s.span_id) for s in receiver.spans() if s.name == "Sequencer.slot"}
        for point in receiver.points():
            if point.metric == BUILD_DURATION and point.service == "aztec-node":
                for exemplar in point.point.exemplars:
                    ids = (exemplar.trace_id.hex(), exemplar.span_id.hex())
                    if ids in slots:
                        return ids
        return None

    receiver.wait_for_signal(check, "an OTLP block build duration exemplar naming a received slot span", 60)


def test_prometheus_scrapes_block_build_exemplars_whose_traces_were_received(
    sandbox: SandboxProcess, receiver: OtlpHttpReceiver, tmp_path: Path
) -> None:
    target = sandbox.urls()["node_metrics"].removeprefix("http://").split("/")[0]
    config = (
        "global: {scrape_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: node\n    static_configs: [{{targets: ['{target}']}}]\n"
    )
    prometheus = PrometheusServer(config, tmp_path / "prometheus", extra_args=["--enable-feature=exemplar-storage"])
    try:
        query = "aztec_sequencer_block_build_duration_seconds_bucket"

        def exemplar_trace_ids() -> set[str]:
            data = prometheus.api("query_exemplars", query=query, start="0", end=str(time.time() + 60))
            return {e["labels"].get("trace_id", "") for series in data for e in series.get("exemplars", [])}

        received = {s.trace_id for s in receiver.spans()}
        found = receiver.wait_for_signal(
            lambda: exemplar_trace_ids() & ({s.trace_id for s in receiver.spans()} | received),
            "Prometheus exemplars naming received traces",
            timeout_s=10,
        )
        assert found
    finally:
        prometheus.stop()
