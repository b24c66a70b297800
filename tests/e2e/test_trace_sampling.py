"""The sampler as configured is honoured by the live sandbox: OTEL_TRACES_SAMPLER=parentbased_traceidratio
with OTEL_TRACES_SAMPLER_ARG=0.5 keeps about half of the bot's transfer traces, and the node follows the
bot's decision (every node span of a transfer is in a trace whose bot root was kept)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.e2e.sandbox_process import FAST_SANDBOX_ARGS, SandboxProcess, scrape
from tests.support.otlp_receivers import OtlpHttpReceiver, ReceivedSpan
from tests.support.polling import wait_until

pytestmark = pytest.mark.e2e

RATIO = 0.5


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpHttpReceiver]:
    receiver = OtlpHttpReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def sandbox(receiver: OtlpHttpReceiver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    env = {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": receiver.traces_endpoint,
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": str(RATIO),
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }
    args = [*FAST_SANDBOX_ARGS]
    args[args.index("--bot-tps") + 1] = "10"
    process = SandboxProcess(tmp_path_factory.mktemp("sampling") / "data", *args, env=env)
    process.urls()
    yield process
    process.close()


def _sent(bot_metrics: str) -> int:
    match = re.search(r"^aztec_bot_tx_sent_total\{[^}]*\} (\S+)$", scrape(bot_metrics), re.MULTILINE)
    return int(float(match.group(1))) if match else 0


def test_the_ratio_sampler_keeps_about_that_share_and_the_node_follows(
    sandbox: SandboxProcess, receiver: OtlpHttpReceiver
) -> None:
    bot_metrics = sandbox.urls()["bot_metrics"]
    wait_until(lambda: _sent(bot_metrics) >= 80, timeout=60, message="the bot sending 80 transfers")
    cutoff_ns, sent = time.time_ns(), _sent(bot_metrics)
    settled_ns = cutoff_ns + 1_000_000_000

    def settled() -> list[ReceivedSpan] | None:
        """The spans once a transfer started a second after the cut-off has arrived: by then the spans of the
        transfers sent before it have ended and been exported (batches every 0.2 s)."""
        spans = receiver.spans()
        later = any(s.name == "Bot.send_transfer" and s.start_time_unix_nano > settled_ns for s in spans)
        return spans if later else None

    spans = wait_until(settled, timeout=30, message="a bot transfer span from after the cut-off")
    assert spans is not None
    kept = [s for s in spans if s.name == "Bot.send_transfer" and s.start_time_unix_nano <= cutoff_ns]
    share = len(kept) / sent
    assert RATIO - 0.2 < share < RATIO + 0.2, (len(kept), sent)  # n >= 80: 0.2 is over 4 standard deviations
    kept_traces = {s.trace_id for s in spans if s.name == "Bot.send_transfer"}
    node_transfers = [
        s
        for s in spans
        if s.name == "node_sendTx"
        and s.service == "aztec-node"
        and s.parent_span_id
        and s.start_time_unix_nano <= cutoff_ns
    ]
    assert node_transfers
    funding = {
        s.trace_id for s in spans if s.name == "node_sendTx" and s.service == "aztec-bot" and not s.parent_span_id
    }
    assert all(s.trace_id in kept_traces | funding for s in node_transfers)
