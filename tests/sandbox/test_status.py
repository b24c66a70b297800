"""The sandbox's status board: txs per second from the samples in its window, and what it shows."""

from __future__ import annotations

import io

from rich.console import Console

from aztec.sandbox.roles import Roles
from aztec.sandbox.runner import Running, export_health
from aztec.sandbox.status import StatusBoard, StatusSample
from aztec.telemetry import create_telemetry_client
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.bot import BOT_TX_SENT
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.prometheus_server import free_port


def _sample(at: float, mined_txs: int) -> StatusSample:
    return StatusSample(at=at, mined_txs=mined_txs, block=0, proven=0, pool=0, proving_queue=0)


def test_txs_per_second_is_the_mined_rate_over_the_window() -> None:
    board = StatusBoard(window_s=10.0)
    assert board.txs_per_second() == 0.0
    board.add(_sample(100.0, 0))
    assert board.txs_per_second() == 0.0, "one sample gives no rate"
    board.add(_sample(105.0, 10))
    assert board.txs_per_second() == 2.0
    board.add(_sample(110.0, 30))
    assert board.txs_per_second() == 3.0
    board.add(_sample(116.0, 42))  # the samples at 100 and 105 fall out of the 10 s window
    assert board.txs_per_second() == 2.0


def test_samples_at_the_same_instant_give_no_rate() -> None:
    board = StatusBoard()
    board.add(_sample(5.0, 1))
    board.add(_sample(5.0, 9))
    assert board.txs_per_second() == 0.0


def _rendered(board: StatusBoard, addresses: list[str]) -> str:
    output = io.StringIO()
    Console(file=output, width=120).print(board.render(addresses))
    return output.getvalue()


def test_render_shows_the_figures_an_operator_watches() -> None:
    board = StatusBoard()
    assert "starting" in _rendered(board, [])
    board.add(_sample(0.0, 0))
    board.add(
        StatusSample(
            at=4.0,
            block=7,
            proven=5,
            mined_txs=10,
            pool=3,
            proving_queue=2,
            bot_sent=12,
            bot_mined=10,
            bot_failed=1,
            follower_block=6,
        )
    )
    text = _rendered(board, ["node metrics: Prometheus scrape endpoint http://127.0.0.1:9464/metrics"])
    for row, value in [
        ("block height", "7"),
        ("proven height", "5"),
        ("follower height", "6"),
        ("txs per second (mined, 10 s)", "2.50"),
        ("pool size", "3"),
        ("proving queue", "2"),
        ("bot sent / mined / failed", "12 / 10 / 1"),
    ]:
        line = next(line for line in text.splitlines() if row in line)
        assert value in line.replace(row, ""), line
    assert "http://127.0.0.1:9464/metrics" in text


def test_the_board_is_titled_by_its_roles_and_shows_export_health_and_an_unanswering_node() -> None:
    board = StatusBoard(title=f"aztec {Roles(follower=True).title}")
    board.add(
        StatusSample(
            at=1.0,
            block=1,
            proven=0,
            mined_txs=0,
            pool=0,
            proving_queue=0,
            bot_node_errors=4,
            bot_last_node_error="http://127.0.0.1:8080/: cannot connect (Connection refused)",
        ),
        [
            ("node", "scrape endpoint http://127.0.0.1:9466/metrics"),
            ("node", "otlp http://c:4318/v1/metrics: FAILING (3 failed): HTTP 503"),
        ],
    )
    text = _rendered(board, [])
    assert text.lstrip().startswith("aztec --node")
    assert "node export" in text and "FAILING (3 failed): HTTP 503" in text
    assert "4 requests; last: http://127.0.0.1:8080/: cannot connect (Connection refused)" in text
    assert Roles.sandbox().title == "sandbox"
    assert Roles(l1=True, sequencer=True, prover=True).title == "--l1 --sequencer --prover"


def test_export_health_rows_come_from_each_client_s_real_exports() -> None:
    """A client exporting OTLP to a refusing port shows FAILING with the reason; a scrape endpoint its URL."""
    refused = f"http://127.0.0.1:{free_port()}/v1/metrics"
    client = create_telemetry_client(
        TelemetryConfig(otlp_metrics=OtlpExport(refused), prometheus_port=0, host_metrics=False, export_timeout_ms=2000)
    )
    running = Running()
    running.labelled_clients += [("node", client), ("bot", NoopTelemetryClient())]
    try:
        assert isinstance(client, OtelTelemetryClient) and client.prometheus is not None
        client.get_meter("Bot").create_counter(BOT_TX_SENT).add(1)
        client.flush(timeout_s=10)
        rows = export_health(running)
        url = client.prometheus.url
    finally:
        client.stop()
    assert ("node", f"scrape endpoint {url}") in rows
    failing = [state for service, state in rows if service == "node" and refused in state]
    assert len(failing) == 1 and "FAILING (" in failing[0], rows
    assert len(failing[0]) < 200, "the screen keeps the reason short"
    assert ("bot", "metrics off") in rows
