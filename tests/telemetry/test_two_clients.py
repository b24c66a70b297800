"""Two clients in one process (the node and a bot) export independently and stop independently."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.bot import BOT_TX_SENT
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.telemetry.example_metrics import EXAMPLE_OPERATION, EXAMPLE_OPERATION_COUNT


def _scrape(client: OtelTelemetryClient) -> str:
    assert client.prometheus is not None
    with urllib.request.urlopen(client.prometheus.url, timeout=5) as response:
        text: str = response.read().decode()
        return text


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_two_clients_never_mix_and_stop_independently(tmp_path: Path) -> None:
    node = OtelTelemetryClient(
        TelemetryConfig(
            service_name="aztec-node", prometheus_port=0, ndjson_path=tmp_path / "node.ndjson", host_metrics=True
        )
    )
    bot = OtelTelemetryClient(
        TelemetryConfig(
            service_name="aztec-bot", prometheus_port=0, ndjson_path=tmp_path / "bot.ndjson", host_metrics=True
        )
    )
    try:
        assert node.prometheus is not None and bot.prometheus is not None
        assert node.prometheus.port != bot.prometheus.port
        node.get_meter("Node").create_counter(EXAMPLE_OPERATION_COUNT).add(3, {EXAMPLE_OPERATION: "hash"})
        bot_sent = bot.get_meter("Bot").create_counter(BOT_TX_SENT)
        bot_sent.add(5)

        node_text, bot_text = _scrape(node), _scrape(bot)
        assert "aztec_example_operation_count_total" in node_text and "aztec_bot_tx_sent" not in node_text
        assert "aztec_bot_tx_sent_total" in bot_text and "aztec_example_operation" not in bot_text
        assert 'service_name="aztec-node"' in node_text and "aztec-bot" not in node_text
        assert 'service_name="aztec-bot"' in bot_text and "aztec-node" not in bot_text
        # Both have their own host metrics (the instrumentation is not a shared singleton here).
        assert "process_cpu_time_seconds_total" in node_text and "process_cpu_time_seconds_total" in bot_text

        node.flush()
        bot.flush()
        assert {line["service"] for line in _lines(tmp_path / "node.ndjson")} == {"aztec-node"}
        assert {line["service"] for line in _lines(tmp_path / "bot.ndjson")} == {"aztec-bot"}

        node.stop()
        bot_sent.add(2)
        assert "aztec_bot_tx_sent_total" in _scrape(bot)
        assert bot.flush()
        sent = [line for line in _lines(tmp_path / "bot.ndjson") if line["metric"] == BOT_TX_SENT.name]
        assert sum(float(str(line["value"])) for line in sent) == 7
    finally:
        node.stop()
        bot.stop()
