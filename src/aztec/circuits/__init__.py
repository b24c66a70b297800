"""The protocol circuits: serialized inputs in, serialized public outputs out, every check they stand for.

See :mod:`aztec.circuits.registry` for the circuits by name and :mod:`aztec.circuits.encoding` for the
canonical encoding.
"""

from aztec.circuits.base_rollup import BaseRollupInputs
from aztec.circuits.block_header import EMPTY_IN_HASH, BlockHeader, compute_in_hash, compute_tx_effects_hash
from aztec.circuits.encoding import EncodingError
from aztec.circuits.errors import CircuitConstraintError, CircuitError, CircuitInputError
from aztec.circuits.merge_rollup import MergeRollupInputs
from aztec.circuits.names import CircuitName
from aztec.circuits.parity import BaseParityInputs, ParityPublicInputs, RootParityInputs
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs
from aztec.circuits.public_kernel_tail import PublicKernelTailInputs, PublicKernelTailPublicInputs
from aztec.circuits.registry import CIRCUITS, simulate_circuit
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs, RollupType
from aztec.circuits.root_rollup import RootRollupInputs, RootRollupPublicInputs

__all__ = [
    "CIRCUITS",
    "EMPTY_IN_HASH",
    "BaseOrMergeRollupPublicInputs",
    "BaseParityInputs",
    "BaseRollupInputs",
    "BlockHeader",
    "CircuitConstraintError",
    "CircuitError",
    "CircuitInputError",
    "CircuitName",
    "EncodingError",
    "MergeRollupInputs",
    "ParityPublicInputs",
    "PublicKernelCircuitPublicInputs",
    "PublicKernelInputs",
    "PublicKernelTailInputs",
    "PublicKernelTailPublicInputs",
    "RollupType",
    "RootParityInputs",
    "RootRollupInputs",
    "RootRollupPublicInputs",
    "compute_in_hash",
    "compute_tx_effects_hash",
    "simulate_circuit",
]
