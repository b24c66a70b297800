"""The processor's effects, applied by world state's block sync on another node, give the same roots."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from aztec.foundation.fields import hash_fields
from aztec.simulator.contracts import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.simulator.processor import ProcessResult
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.trees import StateReference, TreeId
from aztec.stdlib.tx.tx import Tx, call
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.simulator.helpers import ALICE, BOB, processor

INCREMENT = call(COUNTER_ADDRESS, "increment")


def build_block(sequencer: WorldState, block_number: int, txs: list[Tx]) -> tuple[ProcessResult, int, StateReference]:
    """What a sequencer does: process on a fork, add the block hash to the archive, commit."""
    fork = sequencer.fork()
    result = processor(fork, block_number=block_number).process(txs)
    block_hash = hash_fields([block_number, *(p.effect.hash() for p in result.processed)])
    fork.append_leaves(TreeId.ARCHIVE, [block_hash])
    reference = fork.get_state_reference()
    archive = fork.get_snapshot(TreeId.ARCHIVE)
    fork.commit(block_number)
    assert sequencer.committed.get_snapshot(TreeId.ARCHIVE) == archive
    return result, block_hash, reference


def sync_and_compare(sequencer: WorldState, follower: WorldState, block_number: int, txs: list[Tx]) -> ProcessResult:
    result, block_hash, reference = build_block(sequencer, block_number, txs)
    synced = follower.apply_block(block_number, [p.effect for p in result.processed], block_hash)
    assert synced == reference
    assert follower.committed.get_state_reference() == sequencer.committed.get_state_reference()
    assert follower.committed.get_snapshot(TreeId.ARCHIVE) == sequencer.committed.get_snapshot(TreeId.ARCHIVE)
    return result


def test_follower_reaches_the_sequencers_roots(tmp_path: Path) -> None:
    telemetry = NoopTelemetryClient()
    alice, bob = Wallet(ALICE), Wallet(BOB)
    with (
        WorldState.open(tmp_path / "sequencer", telemetry) as sequencer,
        WorldState.open(tmp_path / "follower", telemetry) as follower,
    ):
        first = [
            alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, 1_000)], note_hashes=[1, 2]),
            bob.create_tx(setup=[INCREMENT], app_logic=[call(TOKEN_ADDRESS, "transfer", ALICE.address, 1)]),
            alice.create_tx(setup=[call(COUNTER_ADDRESS, "assert_count", 7)]),
        ]
        result = sync_and_compare(sequencer, follower, 1, first)
        assert [p.effect.reverted for p in result.processed] == [False, True]
        assert len(result.failed) == 1

        replay = first[0]
        second = [
            replay,
            alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "transfer", BOB.address, 400)], nullifiers=[55]),
            bob.create_tx(app_logic=[INCREMENT], teardown=[call(COUNTER_ADDRESS, "assert_count", 0)]),
            bob.create_tx(app_logic=[INCREMENT, call(TOKEN_ADDRESS, "transfer", ALICE.address, 100)]),
        ]
        result = sync_and_compare(sequencer, follower, 2, second)
        assert [f.tx for f in result.failed] == [replay]
        assert [p.effect.reverted for p in result.processed] == [False, True, False]

        assert sync_and_compare(sequencer, follower, 3, []).processed == []


ACTIONS = st.sampled_from(["mint", "transfer", "increment", "assert", "setup_fail", "replay", "private"])


@given(blocks=st.lists(st.lists(st.tuples(ACTIONS, st.integers(0, 3), st.integers(0, 50)), max_size=6), max_size=3))
@settings(max_examples=25, deadline=None)
def test_any_block_sequence_syncs_to_the_same_roots(blocks: list[list[tuple[str, int, int]]]) -> None:
    telemetry = NoopTelemetryClient()
    wallets = [Wallet(Account.from_seed(bytes([i + 1]) * 32)) for i in range(4)]
    sent: list[Tx] = []
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        with (
            WorldState.open(root / "sequencer", telemetry) as sequencer,
            WorldState.open(root / "follower", telemetry) as follower,
        ):
            for block_number, actions in enumerate(blocks, start=1):
                txs = [make_tx(wallets, sent, action, who, amount) for action, who, amount in actions]
                sent.extend(txs)
                sync_and_compare(sequencer, follower, block_number, txs)


def make_tx(wallets: list[Wallet], sent: list[Tx], action: str, who: int, amount: int) -> Tx:
    wallet = wallets[who]
    other = wallets[(who + 1) % len(wallets)].address
    if action == "replay" and sent:
        return sent[amount % len(sent)]
    if action == "mint":
        return wallet.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", wallet.address, amount)])
    if action == "transfer":
        return wallet.create_tx(app_logic=[call(TOKEN_ADDRESS, "transfer", other, amount)], teardown=[INCREMENT])
    if action == "assert":
        return wallet.create_tx(setup=[INCREMENT], app_logic=[call(COUNTER_ADDRESS, "assert_count", amount)])
    if action == "setup_fail":
        return wallet.create_tx(setup=[call(TOKEN_ADDRESS, "transfer", other, amount + 10**6)])
    return wallet.create_tx(note_hashes=[amount, amount + 1], nullifiers=[amount + 1000], app_logic=[INCREMENT])
