"""The protocol circuits: serialized inputs in, serialized public outputs out, every check they stand for.

See :mod:`aztec.circuits.registry` for the circuits by name; the types they share with the components
(block header, encodings, circuit names, the root rollup's outputs) are in :mod:`aztec.stdlib`.
"""

from aztec.circuits.base_rollup import BaseRollupInputs
from aztec.circuits.errors import CircuitConstraintError, CircuitError, CircuitInputError
from aztec.circuits.merge_rollup import MergeRollupInputs
from aztec.circuits.parity import BaseParityInputs, ParityPublicInputs, RootParityInputs
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs
from aztec.circuits.public_kernel_tail import PublicKernelTailInputs, PublicKernelTailPublicInputs
from aztec.circuits.registry import CIRCUITS, simulate_circuit
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs, RollupType
from aztec.circuits.root_rollup import RootRollupInputs

__all__ = [
    "CIRCUITS",
    "BaseOrMergeRollupPublicInputs",
    "BaseParityInputs",
    "BaseRollupInputs",
    "CircuitConstraintError",
    "CircuitError",
    "CircuitInputError",
    "MergeRollupInputs",
    "ParityPublicInputs",
    "PublicKernelCircuitPublicInputs",
    "PublicKernelInputs",
    "PublicKernelTailInputs",
    "PublicKernelTailPublicInputs",
    "RollupType",
    "RootParityInputs",
    "RootRollupInputs",
    "simulate_circuit",
]
