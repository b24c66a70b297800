"""The standalone prover against a real node behind its real JSON-RPC server, on a mining development L1.

It fetches each block's txs from the node, rebuilds the proving input on its own world state, proves it
and lands the proof on L1; a node that does not answer, or has not got the txs, is one warning naming its
URL and the reason, a counted failure per attempt and retries, never a crash.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from aztec.foundation.json_rpc import JsonRpcServer
from aztec.l1 import DEV_PUBLISHER_ADDRESS, DevL1Chain
from aztec.node.config import NodeConfig
from aztec.node.service import READINESS_L1_TIMEOUT_S, READINESS_MAX_LAG_BLOCKS, AztecNodeService
from aztec.prover_node.config import ProverConfig
from aztec.prover_node.rebuild import BlockRebuildError, rebuild_proving_input
from aztec.prover_node.standalone import StandaloneProver, StandaloneProverConfig
from aztec.sandbox.runner import serve_node_rpc
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.l1 import L1_PUBLISHER_TX_COUNT
from aztec.telemetry.metrics.proving import PROVER_NODE_TX_FETCH_FAILURES
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state.world_state import WorldState
from tests.node.harness import mint_tx, new_wallet, open_chain
from tests.support.polling import wait_until_async
from tests.support.prometheus_server import free_port

PROOF_LANDED = {a.L1_TX_TYPE: "submit_proof", a.OUTCOME: "success"}


@dataclass
class Served:
    node: AztecNodeService
    server: JsonRpcServer


async def _serve(config: NodeConfig, telemetry: InMemoryTelemetryClient, chain: DevL1Chain) -> Served:
    node = AztecNodeService.create(config, telemetry, chain, DEV_PUBLISHER_ADDRESS)
    await node.start()
    server = serve_node_rpc(node, telemetry)
    await server.start()
    return Served(node, server)


@pytest.fixture
async def sequencer(tmp_path: Path, chain: DevL1Chain, telemetry: InMemoryTelemetryClient) -> AsyncIterator[Served]:
    """A sequencer node without its in-process prover (as when a standalone prover runs), served."""
    await chain.start()
    config = NodeConfig(
        tmp_path / "sequencer",
        rpc_port=0,
        sequencer=SequencerConfig(slot_duration_s=0.02, max_block_wait_s=0.0),
        archiver_poll_interval_s=0.01,
    )
    served = await _serve(config, telemetry, chain)
    yield served
    await served.server.stop()
    await served.node.stop()


Prover = Callable[[str, str], StandaloneProver]


@pytest.fixture
async def provers(tmp_path: Path, chain: DevL1Chain) -> AsyncIterator[Prover]:
    """Make standalone provers (``name``, node URL) on the test prover with short retries; stopped after."""
    made: list[tuple[StandaloneProver, InMemoryTelemetryClient]] = []

    def make(name: str, url: str) -> StandaloneProver:
        config = StandaloneProverConfig(
            tmp_path / name,
            prover=ProverConfig(kind="test"),
            archiver_poll_interval_s=0.01,
            retry_delay_s=0.01,
            max_retry_delay_s=0.05,
        )
        telemetry = InMemoryTelemetryClient()
        prover = StandaloneProver.create(config, telemetry, chain, NodeRpcClient(url, timeout_s=5))
        made.append((prover, telemetry))
        return prover

    yield make
    for prover, telemetry in made:
        await prover.stop()
        telemetry.stop()


async def _mined_block(served: Served, count: int = 3) -> int:
    """Send ``count`` txs to the node; the highest block they were mined in."""
    async with NodeRpcClient(served.server.url) as client:
        hashes = [await client.send_tx(mint_tx(new_wallet())) for _ in range(count)]

        async def mined() -> bool:
            receipts = await client.get_tx_receipts(hashes)
            return all(r.block_number is not None for r in receipts)

        await wait_until_async(mined, message="the txs mined")
        return max(r.block_number or 0 for r in await client.get_tx_receipts(hashes))


READY = {"l1Reachable": True, "synced": True, "notBehind": True}


async def _readiness(prover: StandaloneProver) -> dict[str, bool]:
    """The checks the runner gives the prover's scrape endpoint: the node's tolerances."""
    return await prover.readiness(max_lag_blocks=READINESS_MAX_LAG_BLOCKS, l1_timeout_s=READINESS_L1_TIMEOUT_S)


def _telemetry(prover: StandaloneProver) -> InMemoryTelemetryClient:
    assert isinstance(prover.telemetry, InMemoryTelemetryClient)
    return prover.telemetry


async def test_the_prover_fetches_rebuilds_and_proves_the_node_s_blocks(
    chain: DevL1Chain, sequencer: Served, provers: Prover, telemetry: InMemoryTelemetryClient
) -> None:
    prover = provers("prover", sequencer.server.url)
    await prover.start()
    block = await _mined_block(sequencer)

    async def proven() -> bool:
        return await chain.get_proven_block_number() >= block

    await wait_until_async(proven, message=f"block {block} proven on L1", timeout=30)
    assert prover.rebuilt >= 1 and prover.fetcher.failures == 0
    assert prover.world_state.committed_block_number >= block
    assert await _readiness(prover) == READY
    counted = _telemetry(prover)
    await wait_until_async(
        lambda: counted.counter_value(L1_PUBLISHER_TX_COUNT, PROOF_LANDED) >= 1, message="the prover's landed proof"
    )
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, PROOF_LANDED) == 0, "the sequencer proves nothing"
    [rebuild, *_] = counted.finished_spans("StandaloneProver.rebuild_block")
    assert rebuild.context is not None and rebuild.attributes is not None
    assert rebuild.attributes[a.BLOCK_NUMBER] == 1
    processing = counted.finished_spans("PublicProcessor.process")
    assert any(span.parent is not None and span.parent.span_id == rebuild.context.span_id for span in processing)
    proving = [s for s in counted.finished_spans("ProverNode.prove_block") if s.attributes == {a.BLOCK_NUMBER: 1}]
    assert proving and [link.context.span_id for link in proving[0].links] == [rebuild.context.span_id]


async def test_an_unreachable_node_is_one_warning_counted_retries_and_the_prover_catches_up(
    chain: DevL1Chain, sequencer: Served, provers: Prover, caplog: pytest.LogCaptureFixture
) -> None:
    """Pointed at a closed port it warns once and retries; once another prover proves the blocks on L1,
    it applies them from their effects and follows on: it never stops."""
    closed_url = f"http://127.0.0.1:{free_port()}/"
    stranded = provers("stranded", closed_url)
    await stranded.start()
    caplog.set_level(logging.DEBUG, logger="aztec.prover_node")
    block = await _mined_block(sequencer)
    failures = _telemetry(stranded)

    await wait_until_async(
        lambda: failures.counter_value(PROVER_NODE_TX_FETCH_FAILURES, {a.ERROR_TYPE: "connection_refused"}) >= 3,
        message="three counted attempts",
    )
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert closed_url in warnings[0] and "cannot connect" in warnings[0], warnings[0]
    assert stranded.world_state.committed_block_number < block
    while block <= READINESS_MAX_LAG_BLOCKS:  # further behind than the node's tolerance: not ready
        block = await _mined_block(sequencer)
    await wait_until_async(lambda: stranded.archiver.get_block_number() >= block, message="the blocks archived")
    assert stranded.world_state.committed_block_number == 0
    assert await _readiness(stranded) == {**READY, "notBehind": False}

    helper = provers("helper", sequencer.server.url)
    await helper.start()
    await wait_until_async(
        lambda: stranded.world_state.committed_block_number >= block and stranded.applied >= 1,
        message="the stranded prover caught up from the effects",
    )
    assert stranded.rebuilt == 0
    assert await _readiness(stranded) == READY
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_a_node_without_the_txs_is_not_found(
    tmp_path: Path,
    chain: DevL1Chain,
    sequencer: Served,
    provers: Prover,
    telemetry: InMemoryTelemetryClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A follower has the blocks but not their txs (they were sent to the sequencer)."""
    follower = await _serve(
        NodeConfig(tmp_path / "follower", rpc_port=0, archiver_poll_interval_s=0.01), telemetry, chain
    )
    try:
        prover = provers("prover", follower.server.url)
        await prover.start()
        await _mined_block(sequencer, count=1)
        counted = _telemetry(prover)
        await wait_until_async(
            lambda: counted.counter_value(PROVER_NODE_TX_FETCH_FAILURES, {a.ERROR_TYPE: "not_found"}) >= 2,
            message="the missing txs counted",
        )
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and follower.server.url in warnings[0], warnings
        assert "the node has not got tx 0x" in warnings[0]
    finally:
        await follower.server.stop()
        await follower.node.stop()


async def test_two_provers_on_one_chain_both_follow_and_the_proven_chain_is_whole(
    chain: DevL1Chain, sequencer: Served, provers: Prover, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = provers("first", sequencer.server.url), provers("second", sequencer.server.url)
    await first.start()
    await second.start()
    block = await _mined_block(sequencer, count=4)

    async def both_there() -> bool:
        return await chain.get_proven_block_number() >= block and all(
            p.world_state.committed_block_number >= block for p in (first, second)
        )

    await wait_until_async(both_there, message=f"block {block} proven, both provers past it", timeout=30)
    proven = await chain.get_proven_block_number()

    def landed() -> float:
        return sum(_telemetry(p).counter_value(L1_PUBLISHER_TX_COUNT, PROOF_LANDED) for p in (first, second))

    await wait_until_async(lambda: landed() == proven, message="one landed proof per block (L1 refuses a second)")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_a_rebuild_that_does_not_give_the_published_block_is_refused(tmp_path: Path, sequencer: Served) -> None:
    await _mined_block(sequencer, count=1)
    block = sequencer.node.archiver.get_block(1)
    assert block is not None
    async with NodeRpcClient(sequencer.server.url) as client:
        found = await client.get_txs_by_hash([effect.tx_hash for effect in block.body])
    txs = [tx for tx in found if tx is not None]
    telemetry = NoopTelemetryClient()
    world_state = WorldState.open(tmp_path / "world_state", telemetry)
    header = block.header
    dearer = dataclasses.replace(header.global_variables, base_fee_per_gas=header.global_variables.base_fee_per_gas + 1)
    later = dataclasses.replace(header.global_variables, timestamp=header.global_variables.timestamp + 1)
    cases = [
        (block, txs[:-1], "the txs given are not the block's"),
        (dataclasses.replace(block, header=dataclasses.replace(header, global_variables=dearer)), txs, "other effects"),
        (dataclasses.replace(block, header=dataclasses.replace(header, global_variables=later)), txs, "differs"),
    ]
    try:
        with world_state.fork() as fork:
            assert rebuild_proving_input(fork, block, txs, telemetry).header == block.header
        for wrong, given, reason in cases:
            with world_state.fork() as fork, pytest.raises(BlockRebuildError, match=reason):
                rebuild_proving_input(fork, wrong, given, telemetry)
    finally:
        world_state.close()


async def test_a_prover_whose_l1_does_not_answer_is_not_ready(tmp_path: Path) -> None:
    l1 = open_chain(tmp_path / "own-l1.sqlite")
    config = StandaloneProverConfig(tmp_path / "prover", prover=ProverConfig(kind="test"))
    prover = StandaloneProver.create(
        config, NoopTelemetryClient(), l1, NodeRpcClient(f"http://127.0.0.1:{free_port()}/")
    )
    try:
        assert await _readiness(prover) == READY
        l1.close()  # every read of L1 now fails
        assert await _readiness(prover) == {"l1Reachable": False, "synced": False, "notBehind": False}
    finally:
        await prover.stop()
        l1.close()
