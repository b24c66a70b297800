"""The sandbox as an operator runs it: transactions in, blocks proposed and proven, every metric scraped."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aztec.simulator.contracts.registry import TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.interfaces.aztec_node import TxRejectedError, TxStatus
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.stdlib.tx.tx import call
from aztec.telemetry.exporters.prometheus_names import prometheus_series
from aztec.telemetry.registry import all_metrics
from tests.e2e.sandbox_process import FAST_SANDBOX_ARGS, SandboxProcess, scrape
from tests.support.healthchecks import compose_healthcheck, dockerfile_healthcheck, run_against
from tests.support.polling import wait_until

README = Path(__file__).resolve().parents[2] / "README.md"

pytestmark = pytest.mark.e2e

ONLY_ON_FAILURE_OR_ELSEWHERE = {
    # Recorded only when something goes wrong (the healthy sandbox has none of these).
    "aztec.mempool.tx_evicted_count",
    "aztec.proving_queue.rejected_jobs",
    "aztec.proving_queue.retried_jobs",
    "aztec.proving_queue.timed_out_jobs",
    "aztec.telemetry.dropped_records",
    "aztec.bot.tx_failed",
    "aztec.bot.node_unreachable",
    # The standalone prover's (the sandbox proves in its sequencer's process): tests/prover_node/test_standalone.py
    "aztec.prover_node.tx_fetch_failures",
    # Simulation is the test prover's; the sandbox's native prover records witness generation and proving,
    # as Aztec's BB prover does.
    "aztec.circuit.simulation.duration",
    # Push exporters only (the sandbox serves the scrape endpoint).
    "aztec.telemetry.export.count",
}


def _curl(command: str, url: str) -> subprocess.CompletedProcess[str]:
    argv = [url if arg == "http://127.0.0.1:8080" else arg for arg in shlex.split(command)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


def _check_rpc_port(rpc_url: str) -> None:
    """The README's curl, the probes the compose file and the image use, and a rebinding page refused."""
    port = urlsplit(rpc_url).port
    assert port is not None
    match = re.search(r"^curl -s http://127\.0\.0\.1:8080 .*node_getBlockNumber.*$", README.read_text(), re.MULTILINE)
    assert match is not None, "the README's JSON-RPC curl example"
    answer = json.loads(_curl(match.group(0), rpc_url.rstrip("/")).stdout)
    assert answer["result"] >= 1
    wait_until(
        lambda: run_against(compose_healthcheck(), port) == 0,
        timeout=30,
        message="the compose healthcheck (/readyz) to pass",
    )
    assert run_against(dockerfile_healthcheck(), port) == 0
    rebinding = _curl(match.group(0) + " -H 'Host: evil.example' -o /dev/null -w %{http_code}", rpc_url.rstrip("/"))
    assert rebinding.stdout == "403"
    form_post = _curl(
        match.group(0).replace("application/json", "text/plain") + " -o /dev/null -w %{http_code}", rpc_url.rstrip("/")
    )
    assert form_post.stdout == "415"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxProcess]:
    process = SandboxProcess(tmp_path / "data", *FAST_SANDBOX_ARGS)
    yield process
    process.close()


async def _send_and_follow(rpc_url: str) -> list[int]:
    async with NodeRpcClient(rpc_url) as node:
        info = await node.get_node_info()
        wallet = Wallet(Account.generate())
        hashes = []
        for _ in range(3):
            tx = wallet.create_tx(
                app_logic=(call(TOKEN_ADDRESS, "mint", wallet.address, 5),),
                max_fee_per_gas=info.base_fee_per_gas * 4,
            )
            hashes.append(await node.send_tx(tx))
        cheap = wallet.create_tx(app_logic=(call(TOKEN_ADDRESS, "mint", wallet.address, 1),), max_fee_per_gas=0)
        with pytest.raises(TxRejectedError) as rejected:
            await node.send_tx(cheap)
        assert rejected.value.reason == "fee_too_low"
        deadline = asyncio.get_running_loop().time() + 120
        while True:
            receipts = [await node.get_tx_receipt(h) for h in hashes]
            if all(r.status is TxStatus.PROVEN for r in receipts):
                break
            assert asyncio.get_running_loop().time() < deadline, receipts
            await asyncio.sleep(0.3)
        assert all(r.block_number is not None and r.reverted is False for r in receipts)
        return [r.block_number for r in receipts if r.block_number is not None]


def test_sandbox_end_to_end(sandbox: SandboxProcess) -> None:
    urls = sandbox.urls()
    assert set(urls) == {"node_metrics", "bot_metrics", "follower_metrics", "node_rpc", "follower_rpc"}
    assert all(url.startswith("http://127.0.0.1:") for url in urls.values())

    blocks = asyncio.run(_send_and_follow(urls["node_rpc"]))
    assert blocks
    _check_rpc_port(urls["node_rpc"])

    wanted = [d for d in all_metrics() if d.name not in ONLY_ON_FAILURE_OR_ELSEWHERE]
    missing: list[str] = []

    def everything_scraped() -> bool:
        text = "".join(scrape(urls[k]) for k in ("node_metrics", "bot_metrics", "follower_metrics"))
        missing[:] = [d.name for d in wanted if prometheus_series(d).name not in text]
        return not missing

    wait_until(everything_scraped, timeout=90, message="every metric in the scrapes")
    assert missing == []

    follower = scrape(urls["follower_metrics"])
    assert 'service_instance_id="' in follower and "-follower" in follower
    assert "aztec_archiver_block_height" in follower and "aztec_sequencer" not in follower

    assert sandbox.interrupt() == 0
    assert "stopped; committed data kept, metrics flushed" in sandbox.output
