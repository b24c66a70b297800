"""The public kernel circuits: setup, app-logic and teardown accumulate a transaction's public phases.

Each takes the accumulated public inputs of the previous kernel (or :meth:`PublicKernelCircuitPublicInputs.initial`
for the first) and one :class:`PhaseResult`, and checks:

- the phase is the one this circuit proves, and phases come in protocol order (setup, app logic, teardown);
- it made at least one call, and the gas used so far stays within the transaction's gas limit;
- a setup phase did not revert (the transaction would be invalid); a reverted phase kept no writes,
  and a reverted app-logic or teardown phase marks the transaction reverted;
- every public read of a slot written by an earlier phase returns that write's value (reads of slots the
  phase writes itself are ordered within the phase, which this circuit does not see);

then hashes the reads into the running reads commitment and appends the kept writes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aztec.circuits.errors import CircuitConstraintError
from aztec.foundation.fields import Fr, hash_fields
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.codecs import PHASES, read_phase, read_public_write, write_phase, write_public_write
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import PHASE_CIRCUITS, CircuitName
from aztec.stdlib.tx.processed_tx import PhaseResult, PublicDataWrite

PHASE_ORDER = {phase: position + 1 for position, phase in enumerate(PHASES)}
"""1-based position of each phase; 0 means no phase has run yet."""


@dataclass(frozen=True, slots=True)
class PublicKernelCircuitPublicInputs(Serializable):
    """What the public kernels have accumulated about one transaction so far."""

    tx_hash: Fr
    gas_limit: int
    gas_used: int
    last_phase: int
    """Position (:data:`PHASE_ORDER`) of the last phase accumulated, 0 before the first."""
    reverted: bool
    calls: int
    public_writes: tuple[PublicDataWrite, ...]
    """Writes kept so far, phase after phase (not squashed: the tail squashes them)."""
    reads_hash: Fr
    """Running commitment to every (slot, value) read."""

    @classmethod
    def initial(cls, tx_hash: Fr, gas_limit: int, intrinsic_gas: int) -> PublicKernelCircuitPublicInputs:
        """The accumulator before the first public phase (what the private kernel tail hands over):
        the transaction's intrinsic gas is already used."""
        return cls(tx_hash, gas_limit, intrinsic_gas, 0, False, 0, (), 0)

    def write(self, w: Writer) -> None:
        w.field(self.tx_hash)
        w.u64(self.gas_limit)
        w.u64(self.gas_used)
        w.u8(self.last_phase)
        w.boolean(self.reverted)
        w.u32(self.calls)
        w.sequence(self.public_writes, write_public_write)
        w.field(self.reads_hash)

    @classmethod
    def read(cls, r: Reader, what: str) -> PublicKernelCircuitPublicInputs:
        return cls(
            tx_hash=r.field(f"{what}.tx_hash"),
            gas_limit=r.u64(f"{what}.gas_limit"),
            gas_used=r.u64(f"{what}.gas_used"),
            last_phase=r.u8(f"{what}.last_phase"),
            reverted=r.boolean(f"{what}.reverted"),
            calls=r.u32(f"{what}.calls"),
            public_writes=r.sequence(f"{what}.public_writes", read_public_write),
            reads_hash=r.field(f"{what}.reads_hash"),
        )


@dataclass(frozen=True, slots=True)
class PublicKernelInputs(Serializable):
    """Inputs of the setup, app-logic and teardown kernels."""

    previous: PublicKernelCircuitPublicInputs
    phase: PhaseResult

    @property
    def circuit(self) -> CircuitName:
        """The kernel that proves this phase."""
        circuit = PHASE_CIRCUITS.get(self.phase.phase)
        if circuit is None:
            raise ValueError(f"unknown phase {self.phase.phase!r}, expected one of {', '.join(PHASES)}")
        return circuit

    def write(self, w: Writer) -> None:
        self.previous.write(w)
        write_phase(w, self.phase)

    @classmethod
    def read(cls, r: Reader, what: str) -> PublicKernelInputs:
        return cls(
            previous=PublicKernelCircuitPublicInputs.read(r, f"{what}.previous"),
            phase=read_phase(r, f"{what}.phase"),
        )


def simulate_public_kernel(circuit: CircuitName, inputs: PublicKernelInputs) -> PublicKernelCircuitPublicInputs:
    """Accumulate one phase; raises :class:`CircuitConstraintError` naming ``circuit`` on a failed check."""

    def fail(message: str) -> CircuitConstraintError:
        return CircuitConstraintError(circuit, message)

    previous, phase = inputs.previous, inputs.phase
    if PHASE_CIRCUITS[phase.phase] is not circuit:
        raise fail(f"given a {phase.phase} phase, which {PHASE_CIRCUITS[phase.phase]} proves")
    position = PHASE_ORDER[phase.phase]
    if position <= previous.last_phase:
        raise fail(f"{phase.phase} phase after the {PHASES[previous.last_phase - 1]} phase is out of protocol order")
    if phase.calls == 0:
        raise fail(f"{phase.phase} phase made no calls")
    gas_used = previous.gas_used + phase.gas_used
    if gas_used > previous.gas_limit:
        raise fail(f"gas used {gas_used} exceeds the transaction's gas limit {previous.gas_limit}")
    if phase.reverted and phase.phase == "setup":
        raise fail("setup phase reverted: the transaction is invalid and cannot be included")
    if phase.reverted and phase.public_writes:
        raise fail(f"reverted {phase.phase} phase kept {len(phase.public_writes)} public writes")
    writes = previous.public_writes + phase.public_writes

    reads_hash = previous.reads_hash
    if not phase.reverted:
        written_before = {w.slot: w.value for w in previous.public_writes}
        own_slots = {w.slot for w in phase.public_writes}
        for i, (slot, value) in enumerate(phase.public_reads):
            expected = written_before.get(slot)
            if expected is not None and slot not in own_slots and value != expected:
                raise fail(f"read {i} of slot {slot:#x} returned {value:#x}, an earlier phase wrote {expected:#x}")
    for slot, value in phase.public_reads:
        reads_hash = hash_fields((reads_hash, slot, value))

    return replace(
        previous,
        gas_used=gas_used,
        last_phase=position,
        reverted=previous.reverted or phase.reverted,
        calls=previous.calls + phase.calls,
        public_writes=writes,
        reads_hash=reads_hash,
    )
