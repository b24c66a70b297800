"""The sandbox runner in-process: the L1, a sequencer node with its prover and a follower start, serve,
and stop on request keeping every committed block (the bot is left out: it has its own tests)."""

from __future__ import annotations

import asyncio
import io
import socket
from pathlib import Path

import pytest
from rich.console import Console

from aztec.archiver.block_store import BlockStore
from aztec.prover_node.config import ProverConfig
from aztec.sandbox.roles import Roles, StartConfig
from aztec.sandbox.runner import Running, StartFailedError, run, sample
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.interfaces.aztec_node import TxStatus
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.stdlib.trees import TreeId
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.node.harness import mint_tx, new_wallet
from tests.support.polling import wait_until_async


async def test_the_sandbox_runs_and_stops_keeping_committed_blocks(tmp_path: Path) -> None:
    config = StartConfig(
        roles=Roles(l1=True, sequencer=True, prover=True, follower=True),
        data_dir=tmp_path,
        rpc_port=0,
        metrics_port=None,
        l1_block_time_s=0.02,
        sequencer=SequencerConfig(slot_duration_s=0.02, max_block_wait_s=0.0),
        prover=ProverConfig(kind="test"),
    )
    stop = asyncio.Event()
    output = io.StringIO()
    started = asyncio.get_running_loop().create_future()
    runner = asyncio.create_task(
        run(config, stop, Console(file=output, width=200), live=False, on_started=started.set_result)
    )
    running: Running = await asyncio.wait_for(started, 30)
    try:
        assert running.node is not None and running.follower is not None and running.node_rpc is not None
        tx = mint_tx(new_wallet())
        client = NodeRpcClient(running.node_rpc.url)
        try:
            await client.send_tx(tx)
        finally:
            await client.close()
        follower = running.follower

        async def proven_on_the_follower() -> bool:
            return (await follower.get_tx_receipt(tx.tx_hash)).status is TxStatus.PROVEN

        await wait_until_async(proven_on_the_follower, message="the tx proven, as the follower sees it")
        # the sequencer's own archiver may see the proof a poll after the follower's
        await wait_until_async(lambda: sample(running).proven >= 1, message="the proof, as the sequencer node sees it")
        now = sample(running)
        assert now.block >= 1 and now.proven >= 1 and now.follower_block is not None and now.mined_txs >= 1
    finally:
        stop.set()
        await asyncio.wait_for(runner, 30)

    text = output.getvalue()
    assert "sequencer node JSON-RPC: http://127.0.0.1:" in text
    assert "follower node JSON-RPC: http://127.0.0.1:" in text
    assert "node metrics: off" in text
    assert text.rstrip().endswith("stopped; committed data kept, metrics flushed")

    telemetry = NoopTelemetryClient()
    roots = []
    for role in ("sequencer", "follower"):
        store = BlockStore(tmp_path / role / "archiver")
        try:
            assert store.latest_block_number() == 1
        finally:
            store.close()
        with WorldState.open(tmp_path / role / "world_state", telemetry) as world_state:
            committed = world_state.committed
            roots.append((world_state.committed_block_number, committed.get_snapshot(TreeId.ARCHIVE)))
    assert roots[0] == roots[1], "the one block, on both nodes, with the same archive"
    assert roots[0][0] == 1


async def test_cannot_start_is_printed_before_the_stopping_lines(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        config = StartConfig(
            roles=Roles(l1=True, sequencer=True),
            data_dir=tmp_path,
            rpc_port=taken.getsockname()[1],
            metrics_port=None,
            prover=ProverConfig(kind="test"),
        )
        output = io.StringIO()
        with pytest.raises(StartFailedError):
            await run(config, asyncio.Event(), Console(file=output, width=300), live=False)
    lines = output.getvalue().splitlines()
    assert lines[0].startswith("cannot start: "), lines
    port = config.rpc_port
    assert lines[0] == (
        f"cannot start: the sequencer's JSON-RPC port 127.0.0.1:{port} is not available (Address already in use); "
        "choose another with --rpc-port / AZTEC_RPC_PORT"
    ), lines
    assert lines[1:] == ["stopping...", "stopped; committed data kept, metrics flushed"]


async def test_while_stopping_every_scrape_endpoint_is_not_ready() -> None:
    """``Running.stop`` first turns every role's ``/readyz`` to 503: the roles it asked are closing."""
    import aiohttp

    from aztec.telemetry.config import TelemetryConfig
    from aztec.telemetry.otel.client import OtelTelemetryClient

    client = OtelTelemetryClient(TelemetryConfig(service_name="svc", prometheus_port=0, host_metrics=False))
    running = Running(clients=[client])

    async def ready() -> dict[str, bool]:
        return {"synced": True}

    client.set_readiness(ready)
    assert client.prometheus is not None
    url = client.prometheus.url.removesuffix("/metrics") + "/readyz"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                assert response.status == 200
            running.refuse_readiness()
            async with session.get(url) as response:
                assert (response.status, await response.json()) == (503, {"ready": False, "checks": {"running": False}})
    finally:
        await running.stop()
