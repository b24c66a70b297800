"""The rollup contract on the development chain, with real L2 blocks: proposals, proofs, and every
rejection as a failed receipt that still pays for its gas."""

from __future__ import annotations

import dataclasses

import pytest

from aztec.l1 import DEV_PUBLISHER_ADDRESS, DevL1Chain, L1TxRequest, TxReceipt, TxStatus, decode_propose
from aztec.l1.gas import calldata_gas
from aztec.l1.rollup import (
    PROPOSE_EXECUTION_GAS,
    SUBMIT_PROOF_EXECUTION_GAS,
    RollupCalldataError,
    encode_propose,
    encode_submit_proof,
)
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs
from aztec.stdlib.trees import TreeSnapshot
from tests.l1.l2_blocks import L2BlockBuilder

PROOF = b"\x01" * 32


async def call_rollup(chain: DevL1Chain, data: bytes) -> TxReceipt:
    tx_hash = chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, chain.rollup_address, data))
    chain.mine()
    receipt = await chain.get_receipt(tx_hash)
    assert receipt is not None
    return receipt


async def propose(chain: DevL1Chain, block: L2Block) -> TxReceipt:
    return await call_rollup(chain, encode_propose(block))


async def assert_reverted(chain: DevL1Chain, receipt: TxReceipt, reason: str) -> None:
    assert receipt.status is TxStatus.FAILED
    assert receipt.revert_reason is not None and reason in receipt.revert_reason, receipt.revert_reason
    assert receipt.gas_used > 21_000, "a failed call still pays for its gas"


async def test_an_accepted_proposal_emits_its_event_and_moves_the_tips(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    genesis_root = l2.archive_root
    assert await chain.get_archive_root() == genesis_root
    block = l2.build(3).block
    data = encode_propose(block)
    receipt = await propose(chain, block)
    assert receipt.status is TxStatus.SUCCESS, receipt.revert_reason
    assert receipt.gas_used == 21_000 + calldata_gas(data) + PROPOSE_EXECUTION_GAS
    assert await chain.get_pending_block_number() == 1
    assert await chain.get_archive_root() == block.archive_root
    assert await chain.get_archive_root_at(0) == genesis_root
    assert await chain.get_archive_root_at(2) is None
    assert await chain.get_proven_block_number() == 0
    (event,) = await chain.get_proposed_blocks(0, receipt.block_number)
    assert (event.l2_block_number, event.archive_root, event.block_hash) == (1, block.archive_root, block.hash())
    assert (event.l1_block_number, event.l1_tx_hash) == (receipt.block_number, receipt.tx_hash)
    assert await chain.get_proposed_blocks(receipt.block_number + 1, receipt.block_number + 5) == []
    tx = await chain.get_transaction(event.l1_tx_hash)
    assert tx is not None and decode_propose(tx.data) == block, "an archiver gets the body from the calldata"


async def test_events_are_found_by_l1_block_range(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    receipts = [await propose(chain, l2.build(1).block) for _ in range(3)]
    middle = receipts[1].block_number
    assert [e.l2_block_number for e in await chain.get_proposed_blocks(middle, middle)] == [2]
    assert [e.l2_block_number for e in await chain.get_proposed_blocks(0, 10**9)] == [1, 2, 3]


async def test_a_proposal_with_the_wrong_number_reverts(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    first, second = l2.build().block, l2.build().block
    await assert_reverted(chain, await propose(chain, second), "propose: block number 2, expected 1")
    assert (await propose(chain, first)).succeeded
    await assert_reverted(chain, await propose(chain, first), "block number 1, expected 2")
    assert await chain.get_pending_block_number() == 1


async def test_a_proposal_on_another_archive_root_reverts(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    block = l2.build().block
    forked = dataclasses.replace(block, header=dataclasses.replace(block.header, previous_archive_root=12345))
    receipt = await propose(chain, forked)
    await assert_reverted(chain, receipt, "builds on archive root 0x" + f"{12345:064x}")
    assert await chain.get_pending_block_number() == 0
    assert await chain.get_proposed_blocks(0, receipt.block_number) == []


async def test_a_body_that_does_not_match_its_header_reverts(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    block = l2.build(3).block
    truncated = dataclasses.replace(block, body=block.body[:2])
    await assert_reverted(chain, await propose(chain, truncated), "body does not match the header's tx effects hash")
    assert await chain.get_pending_block_number() == 0


async def test_undecodable_calldata_reverts(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    data = encode_propose(l2.build().block)
    await assert_reverted(chain, await call_rollup(chain, data[:-1]), "undecodable arguments")
    await assert_reverted(chain, await call_rollup(chain, b"\xde\xad\xbe\xef"), "unknown function selector 0xdeadbeef")
    with pytest.raises(RollupCalldataError):
        decode_propose(data[:-1])


async def proven_chain(chain: DevL1Chain, l2: L2BlockBuilder, count: int) -> list[RootRollupPublicInputs]:
    """Propose ``count`` blocks and return their proven outputs (proofs not yet submitted)."""
    outputs = []
    for _ in range(count):
        built = l2.build(2)
        assert (await propose(chain, built.block)).succeeded
        outputs.append((await l2.prove(built)).outputs)
    return outputs


async def test_proofs_advance_the_proven_block_number(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    first, second = await proven_chain(chain, l2, 2)
    data = encode_submit_proof(1, first, PROOF)
    receipt = await call_rollup(chain, data)
    assert receipt.succeeded, receipt.revert_reason
    assert receipt.gas_used == 21_000 + calldata_gas(data) + SUBMIT_PROOF_EXECUTION_GAS
    assert await chain.get_proven_block_number() == 1
    assert (await call_rollup(chain, encode_submit_proof(2, second, PROOF))).succeeded
    assert await chain.get_proven_block_number() == 2


async def test_proofs_out_of_order_advance_once_the_gap_is_proven(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    outputs = await proven_chain(chain, l2, 3)
    assert (await call_rollup(chain, encode_submit_proof(3, outputs[2], PROOF))).succeeded
    assert (await call_rollup(chain, encode_submit_proof(2, outputs[1], PROOF))).succeeded
    assert await chain.get_proven_block_number() == 0
    assert (await call_rollup(chain, encode_submit_proof(1, outputs[0], PROOF))).succeeded
    assert await chain.get_proven_block_number() == 3


async def test_every_bad_proof_reverts_and_proves_nothing(chain: DevL1Chain, l2: L2BlockBuilder) -> None:
    first, second = await proven_chain(chain, l2, 2)
    other_archive = TreeSnapshot(root=999, size=first.end_archive.size)
    cases = [
        (encode_submit_proof(3, first, PROOF), "block 3 was not proposed"),
        (encode_submit_proof(0, first, PROOF), "block 0 was not proposed"),
        (encode_submit_proof(2, first, PROOF), "the outputs are those of block 1"),
        (encode_submit_proof(1, dataclasses.replace(first, end_archive=other_archive), PROOF), "archive root"),
        (encode_submit_proof(1, dataclasses.replace(first, block_hash=5), PROOF), "block hash does not match"),
        (encode_submit_proof(1, dataclasses.replace(first, previous_archive=other_archive), PROOF), "previous"),
        (encode_submit_proof(1, first, b""), "empty proof"),
        (encode_submit_proof(1, first, PROOF)[:-1], "submitProof: proof needs 32 bytes"),
    ]
    for data, reason in cases:
        await assert_reverted(chain, await call_rollup(chain, data), reason)
    assert await chain.get_proven_block_number() == 0
    assert (await call_rollup(chain, encode_submit_proof(1, first, PROOF))).succeeded
    await assert_reverted(chain, await call_rollup(chain, encode_submit_proof(1, first, PROOF)), "already proven")
    assert await chain.get_proven_block_number() == 1
    assert second.header.global_variables.block_number == 2


async def test_a_failed_call_is_charged_and_leaves_the_contract_untouched(
    chain: DevL1Chain, l2: L2BlockBuilder
) -> None:
    genesis_root = l2.archive_root
    block = l2.build().block
    before = await chain.get_balance(DEV_PUBLISHER_ADDRESS)
    receipt = await propose(chain, dataclasses.replace(block, body=()))
    assert receipt.status is TxStatus.FAILED
    assert await chain.get_balance(DEV_PUBLISHER_ADDRESS) == before - receipt.fee
    assert (await chain.get_pending_block_number(), await chain.get_archive_root()) == (0, genesis_root)
