"""Every protocol circuit by name: its input and output types and its simulation, bytes to bytes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aztec.circuits.base_rollup import BaseRollupInputs, simulate_base_rollup
from aztec.circuits.errors import CircuitInputError
from aztec.circuits.merge_rollup import MergeRollupInputs, simulate_merge_rollup
from aztec.circuits.parity import (
    BaseParityInputs,
    ParityPublicInputs,
    RootParityInputs,
    simulate_base_parity,
    simulate_root_parity,
)
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs, simulate_public_kernel
from aztec.circuits.public_kernel_tail import (
    PublicKernelTailInputs,
    PublicKernelTailPublicInputs,
    simulate_public_kernel_tail,
)
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs
from aztec.circuits.root_rollup import RootRollupInputs, simulate_root_rollup
from aztec.stdlib.encoding.canonical import EncodingError
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs


@dataclass(frozen=True)
class Circuit:
    name: CircuitName
    inputs: type[Serializable]
    outputs: type[Serializable]
    simulate: Callable[[Any], Serializable]

    def decode_inputs(self, data: bytes) -> Serializable:
        try:
            return self.inputs.from_bytes(data)
        except EncodingError as error:
            raise CircuitInputError(self.name, f"malformed {self.inputs.__name__}: {error}") from error

    def run(self, data: bytes) -> bytes:
        """Decode the inputs, run every check, and encode the public outputs."""
        return self.simulate(self.decode_inputs(data)).to_bytes()


def _kernel(name: CircuitName) -> Circuit:
    return Circuit(
        name,
        PublicKernelInputs,
        PublicKernelCircuitPublicInputs,
        lambda inputs: simulate_public_kernel(name, inputs),
    )


CIRCUITS: dict[CircuitName, Circuit] = {
    CircuitName.PUBLIC_KERNEL_SETUP: _kernel(CircuitName.PUBLIC_KERNEL_SETUP),
    CircuitName.PUBLIC_KERNEL_APP_LOGIC: _kernel(CircuitName.PUBLIC_KERNEL_APP_LOGIC),
    CircuitName.PUBLIC_KERNEL_TEARDOWN: _kernel(CircuitName.PUBLIC_KERNEL_TEARDOWN),
    CircuitName.PUBLIC_KERNEL_TAIL: Circuit(
        CircuitName.PUBLIC_KERNEL_TAIL,
        PublicKernelTailInputs,
        PublicKernelTailPublicInputs,
        simulate_public_kernel_tail,
    ),
    CircuitName.BASE_ROLLUP: Circuit(
        CircuitName.BASE_ROLLUP, BaseRollupInputs, BaseOrMergeRollupPublicInputs, simulate_base_rollup
    ),
    CircuitName.MERGE_ROLLUP: Circuit(
        CircuitName.MERGE_ROLLUP, MergeRollupInputs, BaseOrMergeRollupPublicInputs, simulate_merge_rollup
    ),
    CircuitName.ROOT_ROLLUP: Circuit(
        CircuitName.ROOT_ROLLUP, RootRollupInputs, RootRollupPublicInputs, simulate_root_rollup
    ),
    CircuitName.BASE_PARITY: Circuit(
        CircuitName.BASE_PARITY, BaseParityInputs, ParityPublicInputs, simulate_base_parity
    ),
    CircuitName.ROOT_PARITY: Circuit(
        CircuitName.ROOT_PARITY, RootParityInputs, ParityPublicInputs, simulate_root_parity
    ),
}


def simulate_circuit(name: CircuitName, inputs: bytes) -> bytes:
    """Run the circuit ``name`` on serialized inputs and return its serialized public outputs.

    Raises :class:`~aztec.circuits.errors.CircuitInputError` for undecodable inputs and
    :class:`~aztec.circuits.errors.CircuitConstraintError` when a check fails; both name the circuit.
    """
    return CIRCUITS[CircuitName(name)].run(inputs)
