"""The L1 publisher end to end on a mining development chain, with real L2 blocks and proofs, and its metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aztec.l1 import DEV_PROVER_ADDRESS, DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config, L1Publisher, TxStatus
from aztec.l1.rollup import encode_propose
from aztec.l1.types import ETHER, dev_address
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.l1 import (
    L1_BASE_FEE,
    L1_BLOCK_HEIGHT,
    L1_PUBLISHER_BALANCE,
    L1_PUBLISHER_GAS_PRICE,
    L1_PUBLISHER_TX_CALLDATA_SIZE,
    L1_PUBLISHER_TX_COUNT,
    L1_PUBLISHER_TX_DURATION,
    L1_PUBLISHER_TX_GAS,
)
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.l1.l2_blocks import L2BlockBuilder

PROPOSE = {a.L1_TX_TYPE: "propose"}
SUBMIT_PROOF = {a.L1_TX_TYPE: "submit_proof"}


@pytest.fixture
async def mining(chain_path: Path, l2: L2BlockBuilder) -> AsyncIterator[DevL1Chain]:
    chain = DevL1Chain.open(chain_path, l2.archive_root, DevL1Config(block_time_s=0.02))
    await chain.start()
    yield chain
    await chain.stop()
    chain.close()


def publisher(
    chain: DevL1Chain, telemetry: TelemetryClient, sender: str = DEV_PUBLISHER_ADDRESS, timeout_s: float = 30.0
) -> L1Publisher:
    return L1Publisher(chain, sender, telemetry, poll_interval_s=0.005, timeout_s=timeout_s)


async def test_blocks_and_proofs_are_published_and_measured(
    mining: DevL1Chain, l2: L2BlockBuilder, telemetry: InMemoryTelemetryClient
) -> None:
    proposer = publisher(mining, telemetry)
    prover = L1Publisher(mining, DEV_PROVER_ADDRESS, telemetry, sender_role="prover", poll_interval_s=0.005)
    built = [l2.build(2), l2.build(3)]
    results = [await proposer.publish_block(b.block) for b in built]
    assert [(r.success, r.outcome, r.error) for r in results] == [(True, "success", None)] * 2
    assert await mining.get_pending_block_number() == 2
    events = await mining.get_proposed_blocks(0, await mining.get_block_number())
    assert [(e.l2_block_number, e.l1_tx_hash) for e in events] == [(1, results[0].tx_hash), (2, results[1].tx_hash)]

    for number, b in enumerate(built, start=1):
        proven = await l2.prove(b)
        result = await prover.submit_proof(number, proven.outputs, proven.proof)
        assert result.success, result.error
        assert result.receipt is not None and result.l1_block_number == result.receipt.block_number
    assert await mining.get_proven_block_number() == 2

    sizes = [len(encode_propose(b.block)) for b in built]
    assert telemetry.histogram(L1_PUBLISHER_TX_CALLDATA_SIZE, PROPOSE).sum == sum(sizes)
    assert telemetry.histogram(L1_PUBLISHER_TX_GAS, PROPOSE).sum == sum(
        r.receipt.gas_used for r in results if r.receipt
    )
    assert telemetry.histogram(L1_PUBLISHER_TX_DURATION, PROPOSE).count == 2
    assert telemetry.histogram(L1_PUBLISHER_GAS_PRICE, PROPOSE).count == 2
    assert telemetry.histogram(L1_PUBLISHER_TX_DURATION, SUBMIT_PROOF).count == 2
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {**PROPOSE, a.OUTCOME: "success"}) == 2
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {**SUBMIT_PROOF, a.OUTCOME: "success"}) == 2
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {a.OUTCOME: "failure"}) == 0

    observed = proposer.last_observation
    assert observed is not None
    assert telemetry.gauge_value(L1_PUBLISHER_BALANCE, {a.L1_SENDER: "publisher"}) == observed.balance / ETHER  # ETH
    assert observed.balance == await mining.get_balance(DEV_PUBLISHER_ADDRESS)
    proved = prover.last_observation
    assert proved is not None and proved.block_number > observed.block_number
    assert telemetry.gauge_value(L1_PUBLISHER_BALANCE, {a.L1_SENDER: "prover"}) == proved.balance / ETHER
    assert telemetry.gauge_value(L1_BLOCK_HEIGHT) == proved.block_number, "the chain once, at its freshest"
    assert telemetry.gauge_value(L1_BASE_FEE) == proved.base_fee
    prover.close()
    assert [s.attributes for s in telemetry.series(L1_PUBLISHER_BALANCE)] == [{a.L1_SENDER: "publisher"}]
    assert telemetry.gauge_value(L1_BLOCK_HEIGHT) == observed.block_number
    proposer.close()
    assert not telemetry.series(L1_BLOCK_HEIGHT), "closed publishers report nothing"


async def test_a_reverted_proposal_is_reported_with_its_reason(
    mining: DevL1Chain, l2: L2BlockBuilder, telemetry: InMemoryTelemetryClient
) -> None:
    pub = publisher(mining, telemetry)
    block = l2.build(1).block
    assert (await pub.publish_block(block)).success
    again = await pub.publish_block(block)
    assert (again.success, again.outcome) == (False, "failure")
    assert again.error == "propose: block number 1, expected 2"
    assert again.receipt is not None and again.receipt.status is TxStatus.FAILED
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {**PROPOSE, a.OUTCOME: "failure"}) == 1
    assert telemetry.histogram(L1_PUBLISHER_TX_GAS, PROPOSE).count == 2, "a reverted tx still used gas"
    pub.close()


async def test_an_unfunded_sender_is_reported_as_rejected(
    mining: DevL1Chain, l2: L2BlockBuilder, telemetry: InMemoryTelemetryClient
) -> None:
    pub = publisher(mining, telemetry, sender=dev_address("unfunded"))
    result = await pub.publish_block(l2.build(1).block)
    assert (result.outcome, result.tx_hash, result.receipt) == ("rejected", None, None)
    assert result.error is not None and result.error.startswith("insufficient funds")
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {**PROPOSE, a.OUTCOME: "rejected"}) == 1
    assert telemetry.gauge_value(L1_PUBLISHER_BALANCE, {a.L1_SENDER: "publisher"}) == 0
    assert not telemetry.series(L1_PUBLISHER_TX_DURATION), "nothing was included"
    pub.close()


async def test_a_transaction_not_included_in_time_is_reported_and_lands_later(
    chain: DevL1Chain, l2: L2BlockBuilder, telemetry: InMemoryTelemetryClient
) -> None:
    pub = publisher(chain, telemetry, timeout_s=0.05)  # ``chain`` only mines when told
    result = await pub.publish_block(l2.build(1).block)
    assert result.outcome == "timeout" and result.tx_hash is not None
    assert result.error is not None and "not included within 0.05 s" in result.error
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {**PROPOSE, a.OUTCOME: "timeout"}) == 1
    chain.mine()
    receipt = await chain.get_receipt(result.tx_hash)
    assert receipt is not None and receipt.succeeded
    pub.close()


async def test_the_publisher_works_with_telemetry_off(mining: DevL1Chain, l2: L2BlockBuilder) -> None:
    pub = publisher(mining, NoopTelemetryClient())
    built = l2.build(2)
    assert (await pub.publish_block(built.block)).success
    proven = await l2.prove(built)
    assert (await pub.submit_proof(1, proven.outputs, proven.proof)).success
    assert await mining.get_proven_block_number() == 1
    pub.close()


def test_bad_publisher_settings_are_refused(chain: DevL1Chain) -> None:
    with pytest.raises(ValueError, match="timeout_s and poll_interval_s must be > 0"):
        L1Publisher(chain, DEV_PUBLISHER_ADDRESS, NoopTelemetryClient(), timeout_s=0)
