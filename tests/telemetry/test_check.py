"""``aztec telemetry check`` says, per endpoint, reachable or not and why."""

from __future__ import annotations

import socket
from pathlib import Path

from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.telemetry import create_telemetry_client
from aztec.telemetry.check import check_exporters, check_scrape
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.bot import BOT_TX_SENT
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.otlp_receivers import OtlpGrpcReceiver, OtlpHttpReceiver
from tests.support.prometheus_server import free_port


def test_reachable_endpoints_pass(tmp_path: Path) -> None:
    http, grpc_receiver = OtlpHttpReceiver(), OtlpGrpcReceiver()
    try:
        http_results = check_exporters(TelemetryConfig(otlp_metrics=OtlpExport(http.endpoint)))
        grpc_results = check_exporters(
            TelemetryConfig(
                otlp_metrics=OtlpExport(grpc_receiver.endpoint, "grpc"),
                prometheus_port=free_port(),
                ndjson_path=tmp_path / "m.ndjson",
                console=True,
            )
        )
        assert [r.ok for r in http_results] == [True]
        assert "accepted" in http_results[0].detail
        assert [(r.exporter, r.ok) for r in grpc_results] == [
            ("otlp_grpc", True),
            ("prometheus", True),
            ("ndjson", True),
            ("console", True),
        ]
    finally:
        http.close()
        grpc_receiver.close()


def test_unreachable_and_refusing_endpoints_fail_with_a_reason(tmp_path: Path) -> None:
    refusing = OtlpHttpReceiver(status=503)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        down = f"http://127.0.0.1:{free_port()}/v1/metrics"
        (result,) = check_exporters(TelemetryConfig(otlp_metrics=OtlpExport(down)), timeout_s=2)
        assert not result.ok and "Connection refused" in result.detail
        (result,) = check_exporters(TelemetryConfig(otlp_metrics=OtlpExport(refusing.endpoint)), timeout_s=2)
        assert not result.ok and "HTTP 503" in result.detail
        (result,) = check_exporters(
            TelemetryConfig(otlp_metrics=OtlpExport(f"http://127.0.0.1:{free_port()}", "grpc")),
            timeout_s=2,
        )
        assert not result.ok and "UNAVAILABLE" in result.detail
        (result,) = check_exporters(TelemetryConfig(prometheus_port=busy.getsockname()[1]), timeout_s=1)
        assert not result.ok and "cannot listen" in result.detail
        (tmp_path / "a-file").write_text("")
        (result,) = check_exporters(TelemetryConfig(ndjson_path=tmp_path / "a-file" / "metrics.ndjson"))
        assert not result.ok and "cannot create files" in result.detail
    finally:
        refusing.close()
        busy.close()


def test_cli_exit_codes(monkeypatch: object) -> None:
    runner = CliRunner()
    nothing = runner.invoke(app, ["telemetry", "check"], env={"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": ""})
    assert nothing.exit_code == 0 and "no-op" in nothing.output
    down = f"http://127.0.0.1:{free_port()}"
    failed = runner.invoke(
        app, ["telemetry", "check", "--timeout", "1"], env={"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": down}
    )
    assert failed.exit_code == 1 and "FAIL" in failed.output and down in failed.output
    bad = runner.invoke(app, ["telemetry", "check"], env={"OTEL_COLLECT_INTERVAL_MS": "soon"})
    assert bad.exit_code == 2 and "OTEL_COLLECT_INTERVAL_MS='soon'" in bad.output


def test_check_names_what_it_checks_and_checks_a_running_node_s_scrape_endpoint() -> None:
    """Right after the quick start: the node's endpoint is checked and named, not reported as no-op."""
    node = create_telemetry_client(TelemetryConfig(prometheus_port=0, service_name="aztec-node", host_metrics=False))
    try:
        assert isinstance(node, OtelTelemetryClient) and node.prometheus is not None
        node.get_meter("Bot").create_counter(BOT_TX_SENT).add(3)
        url = node.prometheus.url
        result = CliRunner().invoke(app, ["telemetry", "check", "--scrape-url", url], env={})
        text = " ".join(result.output.split())
        assert result.exit_code == 0, text
        assert text.startswith("Checking the exporters configured in this environment (OTEL_* and AZTEC_* variables)")
        assert f"ok scrape {url} a running node serves" in text and "of aztec-node (instance" in text
        assert "No exporter configured in this environment" in text
    finally:
        node.stop()
    down = f"http://127.0.0.1:{free_port()}/metrics"
    failed = CliRunner().invoke(app, ["telemetry", "check", "--scrape-url", down, "--timeout", "1"])
    assert failed.exit_code == 1 and f"FAIL scrape {down} unreachable: Connection refused" in " ".join(
        failed.output.split()
    )
    quiet = check_scrape(down, 1.0, required=False)
    assert quiet.ok and quiet.informational and quiet.detail.startswith("no node serving here")


def test_trace_and_log_endpoints_are_checked_too() -> None:
    receiver, refusing = OtlpHttpReceiver(), OtlpHttpReceiver(status=503)
    try:
        results = check_exporters(
            TelemetryConfig(
                otlp_traces=OtlpExport(receiver.traces_endpoint), otlp_logs=OtlpExport(refusing.logs_endpoint)
            ),
            timeout_s=2,
        )
        assert [(r.exporter, r.target, r.ok) for r in results] == [
            ("otlp_http_traces", receiver.traces_endpoint, True),
            ("otlp_http_logs", refusing.logs_endpoint, False),
        ]
        assert "HTTP 503" in results[1].detail
        assert receiver.trace_requests  # the probe was a real, decodable export request
    finally:
        receiver.close()
        refusing.close()
