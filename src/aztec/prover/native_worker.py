"""What a native prover worker process runs: witness generation, then the proof computation.

Kept free of telemetry and asyncio so a spawned worker imports only the circuits. A worker ignores
SIGINT (a terminal's Ctrl-C reaches the whole process group; the node stops the pool itself) and exits
within about :data:`PARENT_POLL_S` once the node that spawned it is gone, even after a SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from dataclasses import dataclass
from typing import Final

from aztec.circuits.names import CircuitName
from aztec.circuits.registry import simulate_circuit
from aztec.foundation.fields import FIELD_MODULUS
from aztec.foundation.timer import Timer
from aztec.prover.cost_model import PROOF_FIELDS, CircuitCost

PARENT_POLL_S: Final = 0.25


def init_worker(parent_pid: int) -> None:
    """The pool's initializer: ignore Ctrl-C, and die with the parent (a daemon thread watches it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)  # the node is gone: nobody will read this worker's results


@dataclass(frozen=True)
class NativeJobResult:
    outputs: bytes
    proof: bytes
    witgen_s: float
    proving_s: float
    gates: int
    hashes: int


def compute_proof(witness: bytes, hashes: int) -> bytes:
    """Chain ``hashes`` SHA-256 compressions over the witness, 32 bytes at a time, cyclically; the proof is
    :data:`PROOF_FIELDS` field elements sampled evenly along the chain."""
    sha256 = hashlib.sha256
    chunks = [witness[i : i + 32] for i in range(0, len(witness), 32)] or [b""]
    count = len(chunks)
    per_field = max(1, -(-hashes // PROOF_FIELDS))
    digest = sha256(witness).digest()
    position = 0
    fields: list[bytes] = []
    for _ in range(PROOF_FIELDS):
        for _ in range(per_field):
            digest = sha256(digest + chunks[position]).digest()
            position = position + 1 if position + 1 < count else 0
        fields.append((int.from_bytes(digest, "big") % FIELD_MODULUS).to_bytes(32, "big"))
    return b"".join(fields)


def run_native_job(circuit: CircuitName, inputs: bytes, cost: CircuitCost) -> NativeJobResult:
    """Generate the witness (simulate the circuit, every check included) and prove it."""
    timer = Timer()
    outputs = simulate_circuit(circuit, inputs)
    witgen_s = timer.s()
    witness = inputs + outputs
    hashes = cost.hashes(len(witness))
    timer = Timer()
    proof = compute_proof(witness, hashes)
    return NativeJobResult(outputs, proof, witgen_s, timer.s(), cost.gates(len(witness)), hashes)
