"""``aztec telemetry check`` says, per endpoint, reachable or not and why."""

from __future__ import annotations

import socket
from pathlib import Path

from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.telemetry.check import check_exporters
from aztec.telemetry.config import TelemetryConfig
from tests.support.otlp_receivers import OtlpGrpcReceiver, OtlpHttpReceiver
from tests.support.prometheus_server import free_port


def test_reachable_endpoints_pass(tmp_path: Path) -> None:
    http, grpc_receiver = OtlpHttpReceiver(), OtlpGrpcReceiver()
    try:
        http_results = check_exporters(TelemetryConfig(otlp_metrics_endpoint=http.endpoint))
        grpc_results = check_exporters(
            TelemetryConfig(
                otlp_metrics_endpoint=grpc_receiver.endpoint,
                otlp_metrics_protocol="grpc",
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
        (result,) = check_exporters(TelemetryConfig(otlp_metrics_endpoint=down), timeout_s=2)
        assert not result.ok and "Connection refused" in result.detail
        (result,) = check_exporters(TelemetryConfig(otlp_metrics_endpoint=refusing.endpoint), timeout_s=2)
        assert not result.ok and "HTTP 503" in result.detail
        (result,) = check_exporters(
            TelemetryConfig(otlp_metrics_endpoint=f"http://127.0.0.1:{free_port()}", otlp_metrics_protocol="grpc"),
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


def test_trace_and_log_endpoints_are_checked_too() -> None:
    receiver, refusing = OtlpHttpReceiver(), OtlpHttpReceiver(status=503)
    try:
        results = check_exporters(
            TelemetryConfig(otlp_traces_endpoint=receiver.traces_endpoint, otlp_logs_endpoint=refusing.logs_endpoint),
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
