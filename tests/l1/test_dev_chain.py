"""The development chain: blocks, gas, the base fee, balances and transaction validation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.l1 import (
    DEV_PROVER_ADDRESS,
    DEV_PUBLISHER_ADDRESS,
    DevL1Chain,
    DevL1Config,
    InsufficientFundsError,
    InvalidTransactionError,
    L1TxRequest,
    TxStatus,
)
from aztec.l1.types import ETHER, dev_address

ALICE = dev_address("alice")
BOB = dev_address("bob")
TRANSFER_GAS = 21_000
SMALL = DevL1Config(
    block_time_s=0.05,
    block_gas_limit=4 * TRANSFER_GAS,
    initial_base_fee=1_000_000,
    min_base_fee=500_000,
    genesis_balances={ALICE: ETHER},
)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[DevL1Chain]:
    """Room for four plain transfers per block: target two."""
    chain = DevL1Chain.open(tmp_path / "small.sqlite", 0, SMALL)
    yield chain
    chain.close()


def transfer(chain: DevL1Chain, value: int = 1, sender: str = ALICE, max_fee_per_gas: int | None = None) -> str:
    return chain.send_transaction_sync(L1TxRequest(sender, BOB, value=value, max_fee_per_gas=max_fee_per_gas))


async def test_genesis_block_and_funded_accounts(chain: DevL1Chain) -> None:
    genesis = await chain.get_block(0)
    assert genesis is not None and genesis.tx_hashes == ()
    assert await chain.get_block_number() == 0
    assert await chain.get_balance(DEV_PUBLISHER_ADDRESS) == 1_000 * ETHER
    assert await chain.get_balance(DEV_PROVER_ADDRESS) == 1_000 * ETHER
    assert await chain.get_balance(BOB) == 0
    assert await chain.get_chain_id() == 31337


async def test_pending_transactions_are_included_in_the_next_block_in_order(small: DevL1Chain) -> None:
    hashes = [transfer(small, value) for value in (1, 2, 3)]
    assert [await small.get_receipt(h) for h in hashes] == [None, None, None]
    block = small.mine()
    assert block.number == 1 and block.tx_hashes == tuple(hashes)
    receipts = [await small.get_receipt(h) for h in hashes]
    assert [(r.block_number, r.transaction_index, r.status) for r in receipts if r] == [
        (1, 0, TxStatus.SUCCESS),
        (1, 1, TxStatus.SUCCESS),
        (1, 2, TxStatus.SUCCESS),
    ]
    assert await small.get_balance(BOB) == 6


async def test_a_block_holds_at_most_its_gas_limit_and_the_rest_waits(small: DevL1Chain) -> None:
    hashes = [transfer(small) for _ in range(6)]
    first, second, third = small.mine(), small.mine(), small.mine()
    assert first.tx_hashes == tuple(hashes[:4]) and first.gas_used == 4 * TRANSFER_GAS
    assert second.tx_hashes == tuple(hashes[4:])
    assert third.tx_hashes == ()


async def test_base_fee_rises_under_load_and_falls_to_the_floor_when_idle(small: DevL1Chain) -> None:
    fees = []
    for _ in range(5):
        for _ in range(4):
            transfer(small, max_fee_per_gas=10**8)
        fees.append(small.mine().base_fee)
    assert fees == sorted(fees) and len(set(fees)) == len(fees), f"full blocks raise the fee each block: {fees}"
    assert await small.get_base_fee() == fees[-1] + fees[-1] // 8
    idle = [small.mine().base_fee for _ in range(12)]
    assert idle[0] > idle[1] > idle[2], f"empty blocks lower it: {idle}"
    assert idle[-1] == SMALL.min_base_fee, "down to the floor, and not below"


async def test_base_fee_holds_when_a_block_uses_exactly_the_target(small: DevL1Chain) -> None:
    transfer(small)
    transfer(small)
    block = small.mine()
    assert block.gas_used == SMALL.block_gas_limit // 2
    assert await small.get_base_fee() == block.base_fee


async def test_gas_is_charged_for_calldata_and_debited_at_the_block_base_fee(chain: DevL1Chain) -> None:
    data = bytes([0, 0, 7, 0, 255])
    before = await chain.get_balance(DEV_PUBLISHER_ADDRESS)
    tx_hash = chain.send_transaction_sync(L1TxRequest(DEV_PUBLISHER_ADDRESS, BOB, data, value=10))
    block = chain.mine()
    receipt = await chain.get_receipt(tx_hash)
    assert receipt is not None
    assert receipt.gas_used == 21_000 + 3 * 4 + 2 * 16
    assert receipt.effective_gas_price == block.base_fee
    assert await chain.get_balance(DEV_PUBLISHER_ADDRESS) == before - receipt.gas_used * block.base_fee - 10
    tx = await chain.get_transaction(tx_hash)
    assert tx is not None and tx.data == data and tx.block_number == block.number and tx.nonce == 0


async def test_insufficient_funds_fail_at_submission_and_change_nothing(small: DevL1Chain) -> None:
    poor = dev_address("poor")
    small.fund(poor, 21_000 * 2_000_000)
    with pytest.raises(InsufficientFundsError, match=f"insufficient funds: {poor} has 42000000000 wei"):
        transfer(small, sender=poor, max_fee_per_gas=3_000_000)
    with pytest.raises(InsufficientFundsError):
        transfer(small, sender=dev_address("nobody"))
    assert small.mine().tx_hashes == ()
    assert await small.get_balance(poor) == 21_000 * 2_000_000


async def test_pending_transactions_reserve_their_maximum_cost(small: DevL1Chain) -> None:
    sender = dev_address("exact")
    small.fund(sender, 2 * 21_000 * 2_000_000)
    transfer(small, value=0, sender=sender, max_fee_per_gas=2_000_000)
    transfer(small, value=0, sender=sender, max_fee_per_gas=2_000_000)
    with pytest.raises(InsufficientFundsError, match="has 0 wei available"):
        transfer(small, value=0, sender=sender, max_fee_per_gas=2_000_000)
    block = small.mine()
    spent = 2 * 21_000 * block.base_fee
    assert await small.get_balance(sender) == 2 * 21_000 * 2_000_000 - spent
    transfer(small, value=0, sender=sender, max_fee_per_gas=(2 * 21_000 * 2_000_000 - spent) // 21_000)


async def test_a_max_fee_below_the_base_fee_waits_with_its_senders_later_transactions(small: DevL1Chain) -> None:
    stuck = transfer(small, max_fee_per_gas=SMALL.min_base_fee)  # the next base fee is above the floor
    after = transfer(small)
    other = dev_address("other")
    small.fund(other, ETHER)
    independent = transfer(small, sender=other)
    assert small.mine().tx_hashes == (independent,)
    assert await small.get_receipt(stuck) is None and await small.get_receipt(after) is None
    for _ in range(10):
        small.mine()
    receipts = [await small.get_receipt(stuck), await small.get_receipt(after)]
    assert [r.status if r else None for r in receipts] == [TxStatus.SUCCESS, TxStatus.SUCCESS], (
        "included once the base fee fell to the floor"
    )


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (L1TxRequest("0x1234", BOB), "not an L1 address"),
        (L1TxRequest(ALICE, "bob"), "not an L1 address"),
        (L1TxRequest(ALICE, BOB, value=-1), "negative value"),
        (L1TxRequest(ALICE, BOB, gas_limit=20_999), "gas limit 20999 is below the 21000 gas"),
        (L1TxRequest(ALICE, BOB, gas_limit=100 * TRANSFER_GAS), "exceeds the block gas limit 84000"),
        (L1TxRequest(ALICE, BOB, max_fee_per_gas=0), "max fee per gas must be >= 1"),
    ],
)
def test_malformed_transactions_are_refused_with_the_reason(
    small: DevL1Chain, request_: L1TxRequest, message: str
) -> None:
    with pytest.raises(InvalidTransactionError, match=message):
        small.send_transaction_sync(request_)


def test_addresses_are_case_insensitive(small: DevL1Chain) -> None:
    tx_hash = small.send_transaction_sync(L1TxRequest("0x" + ALICE[2:].upper(), "0x" + BOB[2:].upper()))
    small.mine()
    assert small.latest_block().tx_hashes == (tx_hash,)


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="block_time_s must be > 0"):
        DevL1Config(block_time_s=0)
    with pytest.raises(ValueError, match="min_base_fee <= initial_base_fee"):
        DevL1Config(initial_base_fee=1, min_base_fee=2)
    with pytest.raises(InvalidTransactionError, match="not an L1 address"):
        DevL1Config(genesis_balances={"alice": 1})
