"""``aztec top``: figures and a rendered frame from two recorded scrapes, and the command on a real endpoint."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.exporters.prometheus_names import series_index
from aztec.telemetry.metrics.archiver import ARCHIVER_TX_COUNT
from aztec.telemetry.metrics.mempool import MEMPOOL_PENDING_TXS
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.top.figures import bucket_quantile, compute, counter_rate
from aztec.top.scrape import ScrapeError, Snapshot, fetch, parse
from aztec.top.view import frame

FIXTURES = Path(__file__).parent / "fixtures"


def _snapshots() -> tuple[Snapshot, Snapshot]:
    return (
        parse((FIXTURES / "scrape_1.txt").read_text(), at=100.0),
        parse((FIXTURES / "scrape_2.txt").read_text(), at=110.0),
    )


def _render(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_fixture_names_are_registry_names() -> None:
    index = series_index()
    for snapshot in _snapshots():
        unknown = set(snapshot.samples) - index.keys() - {"target_info"}
        assert not unknown


def test_figures_from_two_scrapes() -> None:
    figures = compute(*_snapshots())
    assert figures.interval_s == 10.0
    assert (figures.proposed_height, figures.proven_height) == (42, 40)
    assert figures.txs_received_per_s == pytest.approx(3.5)  # 30 accepted + 5 rejected in 10 s
    assert figures.txs_mined_per_s == pytest.approx(2.8)
    assert (figures.pending_txs, figures.pool_capacity) == (17, 10_000)
    # Block builds in the interval: 0.2, 0.4, 0.4, 0.8 s -> buckets (0.25: 1, 0.5: 3, 1.0: 4).
    assert figures.block_build_p50_s == pytest.approx(0.375)
    assert figures.block_build_p95_s == pytest.approx(0.9)
    assert figures.proving_queue == 3
    assert figures.cpu_cores == pytest.approx(0.55)
    assert figures.memory_bytes == 256 * 2**20
    assert figures.event_loop_lag_p50_s == pytest.approx(0.0005)
    assert figures.event_loop_lag_p99_s == pytest.approx(0.0045)


def test_a_rendered_frame_shows_the_figures() -> None:
    text = _render(frame(compute(*_snapshots()), "http://127.0.0.1:9464/metrics"))
    lines = {" ".join(line.replace("│", " ").split()) for line in text.splitlines()}
    for expected in (
        "Chain Proposed block 42",
        "Proven block 40",
        "Transactions Received 3.50/s",
        "Mined 2.80/s",
        "Pending in pool 17 / 10,000",
        "Sequencer Block build p50 375.0 ms",
        "Block build p95 900.0 ms",
        "Proving Jobs queued or running 3",
        "Process CPU 55% of a core",
        "Memory (resident) 256.0 MiB",
        "Event-loop lag p50 0.5 ms",
        "Event-loop lag p99 4.5 ms",
    ):
        assert expected in lines, f"{expected!r} not in\n{text}"
    assert "rates and quantiles over 10.0 s" in text


def test_missing_figures_show_a_dash_and_the_error() -> None:
    empty = Snapshot(0.0), Snapshot(2.0)
    text = _render(frame(compute(*empty), "http://x/metrics", error="cannot read http://x/metrics: refused"))
    assert "Proposed block" in text and "cannot read http://x/metrics: refused" in text
    assert all(f is None for f in vars(compute(*empty)).values() if f != 2.0)


def test_a_counter_reset_counts_from_zero() -> None:
    earlier, later = _snapshots()
    name = "aztec_archiver_tx_count_total"
    restarted = Snapshot(later.at, {**later.samples, name: {k: 7.0 for k in later.samples[name]}})
    assert counter_rate(earlier, restarted, ARCHIVER_TX_COUNT) == pytest.approx(0.7)
    assert counter_rate(earlier, later, MEMPOOL_PENDING_TXS) is not None  # a gauge read as counter: caller's choice


def test_bucket_quantile_follows_prometheus() -> None:
    buckets = {0.1: 0.0, 0.25: 1.0, 0.5: 3.0, 1.0: 4.0, math.inf: 4.0}
    assert bucket_quantile(0.5, buckets) == pytest.approx(0.375)
    assert bucket_quantile(1.0, {1.0: 2.0, math.inf: 5.0}) == 1.0  # in the +Inf bucket: the last finite bound
    assert bucket_quantile(0.5, {1.0: 0.0, math.inf: 0.0}) is None
    assert bucket_quantile(0.5, {}) is None


def test_malformed_text_is_a_clear_error() -> None:
    with pytest.raises(ScrapeError, match="not Prometheus text"):
        parse("this is { not metrics", at=0.0)


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    with pytest.raises(ScrapeError, match=r"cannot read http://127\.0\.0\.1:9/metrics"):
        fetch("http://127.0.0.1:9/metrics", timeout_s=1)


def test_the_command_against_a_real_endpoint() -> None:
    client = OtelTelemetryClient(TelemetryConfig(service_name="aztec-node", prometheus_port=0, host_metrics=True))
    try:
        assert client.prometheus is not None
        client.get_meter("TopTest").create_counter(ARCHIVER_TX_COUNT).add(5)
        result = CliRunner().invoke(
            app, ["top", "--url", client.prometheus.url, "--interval", "0.2", "--count", "2", "--window", "0"]
        )
    finally:
        client.stop()
    assert result.exit_code == 0, result.output
    assert "Memory (resident)" in result.output and "MiB" in result.output
    assert "% of a core" in result.output


def test_the_command_reports_a_node_that_is_down() -> None:
    result = CliRunner().invoke(
        app, ["top", "--url", "http://127.0.0.1:9/metrics", "--interval", "0.1", "--count", "2"]
    )
    assert result.exit_code == 0
    assert "cannot read http://127.0.0.1:9/metrics" in result.output and "retrying every 0.1 s" in result.output
