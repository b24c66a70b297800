"""Logs: AZTEC_LOG_LEVEL with per-module overrides, text and JSON lines with trace ids, OTLP log export
to a real decoding receiver with the metric exporters' failure handling and self-metric."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from aztec.foundation.config import ConfigError
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.log_settings import LogSettings, parse_log_level
from aztec.telemetry.log_setup import configure_logging
from aztec.telemetry.metrics.telemetry import TELEMETRY_EXPORT_COUNT
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.telemetry.trace_settings import SamplerSettings
from tests.support.otlp_receivers import BlackHole, OtlpHttpReceiver
from tests.support.polling import wait_until


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    touched = ["aztec.sequencer", "aztec.archiver", "aztec.p2p"]
    levels = {name: logging.getLogger(name).level for name in touched}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_the_level_syntax_is_the_aztec_clients() -> None:
    level, overrides = parse_log_level("info; debug:sequencer,archiver; warn:aztec.p2p.tx_pool")
    assert level == logging.INFO
    assert overrides == {
        "aztec.sequencer": logging.DEBUG,
        "aztec.archiver": logging.DEBUG,
        "aztec.p2p.tx_pool": logging.WARNING,
    }
    assert parse_log_level("debug") == (logging.DEBUG, {})


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("loud", "unknown level 'loud'"),
        ("info; debug", "more than one default level"),
        ("debug:sequencer,,archiver", "bad module name ''"),
    ],
)
def test_a_bad_level_names_the_variable(spec: str, reason: str) -> None:
    with pytest.raises(ConfigError, match="invalid setting AZTEC_LOG_LEVEL=") as raised:
        parse_log_level(spec)
    assert reason in str(raised.value)


def test_overrides_apply_per_module(restore_logging: None) -> None:
    out = io.StringIO()
    level, overrides = parse_log_level("warn; debug:sequencer")
    configure_logging(LogSettings(level, overrides), service_name="aztec-node", service_instance_id="n1", stream=out)
    logging.getLogger("aztec.sequencer.sequencer").debug("seq debug")
    logging.getLogger("aztec.archiver.archiver").info("arch info")
    logging.getLogger("aztec.archiver.archiver").warning("arch warning")
    lines = out.getvalue().splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["seq debug", "arch warning"]


def test_json_lines_carry_the_service_and_the_trace_inside_a_span(
    restore_logging: None, telemetry: InMemoryTelemetryClient
) -> None:
    out = io.StringIO()
    configure_logging(LogSettings(format="json"), service_name="aztec-node", service_instance_id="n1", stream=out)
    log = logging.getLogger("aztec.sequencer.sequencer")
    with telemetry.get_tracer("T").span("slot") as span:
        log.info("inside %d", 1)
    log.info("outside")
    inside, outside = (json.loads(line) for line in out.getvalue().splitlines())
    assert span.ref is not None
    assert inside["message"] == "inside 1" and inside["level"] == "info"
    assert inside["trace_id"] == span.ref.trace_id_hex and inside["span_id"] == span.ref.span_id_hex
    assert inside["service.name"] == "aztec-node" and inside["service.instance.id"] == "n1"
    assert "trace_id" not in outside


def test_text_lines_end_with_the_trace_ids_inside_a_span(
    restore_logging: None, telemetry: InMemoryTelemetryClient
) -> None:
    out = io.StringIO()
    configure_logging(LogSettings(), service_name="aztec-node", service_instance_id="n1", stream=out)
    with telemetry.get_tracer("T").span("slot") as span:
        logging.getLogger("aztec.sequencer").info("published")
    assert span.ref is not None
    assert (
        out.getvalue().rstrip().endswith(f"published trace_id={span.ref.trace_id_hex} span_id={span.ref.span_id_hex}")
    )


def _log_client(endpoint: str, reader: InMemoryMetricReader) -> OtelTelemetryClient:
    return OtelTelemetryClient(
        TelemetryConfig(
            service_name="aztec-node",
            otlp_logs=OtlpExport(endpoint),
            otlp_traces=OtlpExport(endpoint.replace("/v1/logs", "/v1/traces")),
            trace_sampler=SamplerSettings("always_on", 1.0),
            export_timeout_ms=1000,
            host_metrics=False,
        ),
        extra_readers=[reader],
    )


def _exports(reader: InMemoryMetricReader, exporter: str, outcome: str) -> int:
    data = reader.get_metrics_data()
    total = 0
    for rm in data.resource_metrics if data else []:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                if metric.name != TELEMETRY_EXPORT_COUNT.name:
                    continue
                points: list[Any] = list(metric.data.data_points)
                total += sum(
                    int(p.value)
                    for p in points
                    if p.attributes.get("aztec.telemetry.exporter") == exporter
                    and p.attributes.get("aztec.outcome") == outcome
                )
    return total


def test_log_records_go_out_over_otlp_with_their_trace(restore_logging: None) -> None:
    receiver, reader = OtlpHttpReceiver(), InMemoryMetricReader()
    client = _log_client(receiver.logs_endpoint, reader)
    try:
        log = logging.getLogger("aztec.sequencer.sequencer")
        log.setLevel(logging.INFO)
        with client.get_tracer("Sequencer").span("Sequencer.slot") as span:
            log.info("sequencer: published block %d", 7)
        assert client.flush(5)
        record = receiver.wait_for_signal(
            lambda: next((r for r in receiver.logs() if r.body == "sequencer: published block 7"), None), "the record"
        )
        assert span.ref is not None
        assert record.trace_id == span.ref.trace_id_hex and record.span_id == span.ref.span_id_hex
        assert record.severity == "INFO" and record.service == "aztec-node"
        assert any(s.name == "Sequencer.slot" and s.trace_id == record.trace_id for s in receiver.spans())
        wait_until(lambda: _exports(reader, "otlp_http_logs", "success") >= 1, timeout=20.0)
        wait_until(lambda: _exports(reader, "otlp_http_traces", "success") >= 1, timeout=20.0)
    finally:
        client.stop()
        receiver.close()


def test_a_refusing_log_collector_is_counted_and_reported(
    restore_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="aztec.telemetry")
    receiver, reader = OtlpHttpReceiver(status=503), InMemoryMetricReader()
    client = _log_client(receiver.logs_endpoint, reader)
    try:
        logging.getLogger("aztec.archiver").warning("something to export")
        started = time.monotonic()
        client.flush(3)
        assert time.monotonic() - started < 10
        wait_until(lambda: _exports(reader, "otlp_http_logs", "failure") >= 1, timeout=20.0)
    finally:
        client.stop()
        receiver.close()
    failing = [r.getMessage() for r in caplog.records if "otlp_http_logs export to" in r.getMessage()]
    assert failing and receiver.logs_endpoint in failing[0] and "Service Unavailable" in failing[0]


def test_black_holed_trace_and_log_collectors_do_not_hold_up_flush_or_stop(restore_logging: None) -> None:
    hole = BlackHole()
    endpoint = hole.endpoint.replace("/v1/metrics", "")
    client = OtelTelemetryClient(
        TelemetryConfig(
            otlp_traces=OtlpExport(f"{endpoint}/v1/traces"),
            otlp_logs=OtlpExport(f"{endpoint}/v1/logs"),
            trace_sampler=SamplerSettings("always_on", 1.0),
            export_timeout_ms=1000,
            host_metrics=False,
        )
    )
    try:
        with client.get_tracer("T").span("x"):
            logging.getLogger("aztec.sequencer").warning("to a black hole")
        started = time.monotonic()
        assert not client.flush(0.5)  # not everything went out, and it says so
        client.stop()
        assert time.monotonic() - started < 3.0  # flush 0.5 s + stop within its 1 s timeout, with slack
    finally:
        client.stop()
        hole.close()
