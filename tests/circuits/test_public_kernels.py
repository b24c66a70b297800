"""Public kernel circuits (setup, app logic, teardown) and the tail: accumulation and its checks."""

from __future__ import annotations

import pytest

from aztec.circuits.errors import CircuitConstraintError
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs, simulate_public_kernel
from aztec.circuits.public_kernel_tail import (
    PublicKernelTailInputs,
    simulate_public_kernel_tail,
    squash_public_writes,
)
from aztec.circuits.registry import simulate_circuit
from aztec.foundation.fields import hash_fields
from aztec.stdlib.gas.costs import intrinsic_gas
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.tx.processed_tx import PhaseResult, PublicDataWrite, TxEffect

TX_HASH = 0xABC
INTRINSIC = intrinsic_gas(0)
START = PublicKernelCircuitPublicInputs.initial(TX_HASH, gas_limit=100_000, intrinsic_gas=INTRINSIC)
SETUP, APP, TEARDOWN = (
    CircuitName.PUBLIC_KERNEL_SETUP,
    CircuitName.PUBLIC_KERNEL_APP_LOGIC,
    CircuitName.PUBLIC_KERNEL_TEARDOWN,
)


def phase(
    name: str,
    *,
    gas: int = 5_000,
    reverted: bool = False,
    reads: tuple[tuple[int, int], ...] = (),
    writes: tuple[tuple[int, int], ...] = (),
    calls: int = 1,
) -> PhaseResult:
    return PhaseResult(name, calls, gas, reverted, reads, tuple(PublicDataWrite(s, v) for s, v in writes))


def run(
    circuit: CircuitName, previous: PublicKernelCircuitPublicInputs, result: PhaseResult
) -> PublicKernelCircuitPublicInputs:
    """Through the serialized path, as a prover runs it."""
    outputs = simulate_circuit(circuit, PublicKernelInputs(previous, result).to_bytes())
    return PublicKernelCircuitPublicInputs.from_bytes(outputs)


def test_phases_accumulate_gas_calls_writes_and_reads() -> None:
    after_setup = run(SETUP, START, phase("setup", gas=3_000, writes=((1, 10),), reads=((1, 0),)))
    after_app = run(
        APP, after_setup, phase("app_logic", gas=4_000, reads=((1, 10),), writes=((2, 20), (1, 11)), calls=2)
    )
    assert after_app.gas_used == INTRINSIC + 7_000
    assert after_app.calls == 3
    assert after_app.last_phase == 2
    assert not after_app.reverted
    assert after_app.public_writes == (PublicDataWrite(1, 10), PublicDataWrite(2, 20), PublicDataWrite(1, 11))
    assert after_app.reads_hash == hash_fields((hash_fields((0, 1, 0)), 1, 10))


def test_a_reverted_app_logic_marks_the_tx_reverted_and_teardown_still_runs() -> None:
    after_app = run(APP, START, phase("app_logic", reverted=True))
    after_teardown = run(TEARDOWN, after_app, phase("teardown", writes=((3, 30),)))
    assert after_teardown.reverted
    assert after_teardown.public_writes == (PublicDataWrite(3, 30),)


@pytest.mark.parametrize(
    ("circuit", "previous", "result", "message"),
    [
        (SETUP, START, phase("app_logic"), "given a app_logic phase, which public-kernel-app-logic proves"),
        (SETUP, START, phase("setup", reverted=True), "setup phase reverted: the transaction is invalid"),
        (
            APP,
            START,
            phase("app_logic", reverted=True, writes=((1, 1),)),
            "reverted app_logic phase kept 1 public writes",
        ),
        (APP, START, phase("app_logic", calls=0), "app_logic phase made no calls"),
        (APP, START, phase("app_logic", gas=100_000), "exceeds the transaction's gas limit 100000"),
        (
            SETUP,
            PublicKernelCircuitPublicInputs.initial(TX_HASH, 100_000, INTRINSIC).__class__(
                TX_HASH, 100_000, INTRINSIC, 2, False, 1, (), 0
            ),
            phase("setup"),
            "setup phase after the app_logic phase is out of protocol order",
        ),
    ],
)
def test_kernel_checks_reject_with_the_circuit_named(
    circuit: CircuitName, previous: PublicKernelCircuitPublicInputs, result: PhaseResult, message: str
) -> None:
    with pytest.raises(CircuitConstraintError, match=message) as caught:
        run(circuit, previous, result)
    assert caught.value.circuit is circuit
    assert str(caught.value).startswith(f"{circuit}: ")


def test_a_read_disagreeing_with_an_earlier_phases_write_is_rejected() -> None:
    after_setup = run(SETUP, START, phase("setup", writes=((1, 10),)))
    with pytest.raises(CircuitConstraintError, match="read 0 of slot 0x1 returned 0x9, an earlier phase wrote 0xa"):
        run(APP, after_setup, phase("app_logic", reads=((1, 9),)))
    # A phase that writes the slot itself may read its own value; a reverted phase's reads are not checked.
    run(APP, after_setup, phase("app_logic", reads=((1, 9),), writes=((1, 9),)))
    run(APP, after_setup, phase("app_logic", reads=((1, 9),), reverted=True))


def effect(**changes: object) -> TxEffect:
    values: dict[str, object] = {
        "tx_hash": TX_HASH,
        "reverted": False,
        "fee": 0,
        "gas_used": INTRINSIC + 5_000,
        "note_hashes": (),
        "nullifiers": (0x77,),
        "public_data_writes": (PublicDataWrite(1, 11), PublicDataWrite(2, 20)),
    }
    values.update(changes)
    return TxEffect(**values)  # type: ignore[arg-type]


def accumulated() -> PublicKernelCircuitPublicInputs:
    return run(APP, START, phase("app_logic", gas=5_000, writes=((1, 10), (2, 20), (1, 11))))


def test_the_tail_squashes_writes_and_hashes_the_effect() -> None:
    outputs = simulate_public_kernel_tail(PublicKernelTailInputs(accumulated(), effect()))
    assert outputs.effect == effect()
    assert outputs.effect_hash == effect().hash()


def test_squashing_keeps_the_last_value_at_the_first_position() -> None:
    writes = (PublicDataWrite(1, 10), PublicDataWrite(2, 20), PublicDataWrite(1, 11))
    assert squash_public_writes(writes) == (PublicDataWrite(1, 11), PublicDataWrite(2, 20))


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"tx_hash": 0xDEF}, "effect of tx 0xdef given to the kernel of tx 0xabc"),
        (
            {"gas_used": INTRINSIC + 4_999},
            f"effect says {INTRINSIC + 4_999} gas used, the public phases used {INTRINSIC + 5_000}",
        ),
        ({"reverted": True}, "effect says reverted=True, the public phases say reverted=False"),
        ({"public_data_writes": (PublicDataWrite(1, 10), PublicDataWrite(2, 20))}, "public writes differ"),
        ({"nullifiers": ()}, "effect has no nullifier"),
        ({"nullifiers": (0x77, 0x77)}, r"nullifier 1 \(0x77\) repeats an earlier one"),
        ({"note_hashes": (0,)}, "note hash 0 is zero"),
        ({"note_hashes": tuple(range(1, 66))}, "65 note hashes, at most 64 per transaction"),
    ],
)
def test_the_tail_rejects_an_effect_that_does_not_match(changed: dict[str, object], message: str) -> None:
    with pytest.raises(CircuitConstraintError, match=message) as caught:
        simulate_public_kernel_tail(PublicKernelTailInputs(accumulated(), effect(**changed)))
    assert caught.value.circuit is CircuitName.PUBLIC_KERNEL_TAIL


def test_the_tail_requires_the_intrinsic_gas_of_the_side_effects() -> None:
    previous = PublicKernelCircuitPublicInputs.initial(TX_HASH, 100_000, intrinsic_gas=0)
    with pytest.raises(CircuitConstraintError, match=f"gas used 0 is below the intrinsic gas {INTRINSIC}"):
        simulate_public_kernel_tail(PublicKernelTailInputs(previous, effect(gas_used=0, public_data_writes=())))


def test_direct_simulation_checks_the_circuit_matches_the_phase() -> None:
    with pytest.raises(CircuitConstraintError, match="public-kernel-teardown: given a setup phase"):
        simulate_public_kernel(TEARDOWN, PublicKernelInputs(START, phase("setup")))
