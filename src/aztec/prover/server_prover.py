"""``ServerCircuitProver``: proves the node-side protocol circuits, one typed method per circuit.

Implementations (:class:`~aztec.prover.test_prover.TestCircuitProver`,
:class:`~aztec.prover.native_prover.NativeCircuitProver`) subclass :class:`SerializingCircuitProver`,
which encodes the typed inputs, runs the circuit on bytes through :meth:`SerializingCircuitProver.prove`
and decodes the public outputs. Every method raises a :class:`~aztec.circuits.errors.CircuitError`
naming the circuit when its inputs are malformed or a check fails.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Protocol, TypeVar

from aztec.circuits.base_rollup import BaseRollupInputs
from aztec.circuits.merge_rollup import MergeRollupInputs
from aztec.circuits.parity import BaseParityInputs, ParityPublicInputs, RootParityInputs
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs
from aztec.circuits.public_kernel_tail import PublicKernelTailInputs, PublicKernelTailPublicInputs
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs
from aztec.circuits.root_rollup import RootRollupInputs
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.proof import Proof, PublicInputsAndProof
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs

T = TypeVar("T", bound=Serializable)


class ServerCircuitProver(Protocol):
    async def get_base_parity_proof(self, inputs: BaseParityInputs) -> PublicInputsAndProof[ParityPublicInputs]: ...
    async def get_root_parity_proof(self, inputs: RootParityInputs) -> PublicInputsAndProof[ParityPublicInputs]: ...
    async def get_public_kernel_proof(
        self, inputs: PublicKernelInputs
    ) -> PublicInputsAndProof[PublicKernelCircuitPublicInputs]:
        """Proves the setup, app-logic or teardown kernel, by the phase of ``inputs``."""
        ...

    async def get_public_tail_proof(
        self, inputs: PublicKernelTailInputs
    ) -> PublicInputsAndProof[PublicKernelTailPublicInputs]: ...
    async def get_base_rollup_proof(
        self, inputs: BaseRollupInputs
    ) -> PublicInputsAndProof[BaseOrMergeRollupPublicInputs]: ...
    async def get_merge_rollup_proof(
        self, inputs: MergeRollupInputs
    ) -> PublicInputsAndProof[BaseOrMergeRollupPublicInputs]: ...
    async def get_root_rollup_proof(self, inputs: RootRollupInputs) -> PublicInputsAndProof[RootRollupPublicInputs]: ...


@dataclass(frozen=True, slots=True)
class CircuitProof:
    """A circuit's serialized public outputs and its proof."""

    outputs: bytes
    proof: Proof


class SerializingCircuitProver(ABC):
    """The typed :class:`ServerCircuitProver` methods over one bytes-in, bytes-out :meth:`prove`."""

    @abstractmethod
    async def prove(self, circuit: CircuitName, inputs: bytes) -> CircuitProof:
        """Run ``circuit`` on its serialized inputs and prove it."""

    async def _prove_typed(
        self, circuit: CircuitName, inputs: Serializable, outputs: type[T]
    ) -> PublicInputsAndProof[T]:
        result = await self.prove(circuit, inputs.to_bytes())
        return PublicInputsAndProof(outputs.from_bytes(result.outputs), result.proof)

    async def get_base_parity_proof(self, inputs: BaseParityInputs) -> PublicInputsAndProof[ParityPublicInputs]:
        return await self._prove_typed(CircuitName.BASE_PARITY, inputs, ParityPublicInputs)

    async def get_root_parity_proof(self, inputs: RootParityInputs) -> PublicInputsAndProof[ParityPublicInputs]:
        return await self._prove_typed(CircuitName.ROOT_PARITY, inputs, ParityPublicInputs)

    async def get_public_kernel_proof(
        self, inputs: PublicKernelInputs
    ) -> PublicInputsAndProof[PublicKernelCircuitPublicInputs]:
        return await self._prove_typed(inputs.circuit, inputs, PublicKernelCircuitPublicInputs)

    async def get_public_tail_proof(
        self, inputs: PublicKernelTailInputs
    ) -> PublicInputsAndProof[PublicKernelTailPublicInputs]:
        return await self._prove_typed(CircuitName.PUBLIC_KERNEL_TAIL, inputs, PublicKernelTailPublicInputs)

    async def get_base_rollup_proof(
        self, inputs: BaseRollupInputs
    ) -> PublicInputsAndProof[BaseOrMergeRollupPublicInputs]:
        return await self._prove_typed(CircuitName.BASE_ROLLUP, inputs, BaseOrMergeRollupPublicInputs)

    async def get_merge_rollup_proof(
        self, inputs: MergeRollupInputs
    ) -> PublicInputsAndProof[BaseOrMergeRollupPublicInputs]:
        return await self._prove_typed(CircuitName.MERGE_ROLLUP, inputs, BaseOrMergeRollupPublicInputs)

    async def get_root_rollup_proof(self, inputs: RootRollupInputs) -> PublicInputsAndProof[RootRollupPublicInputs]:
        return await self._prove_typed(CircuitName.ROOT_ROLLUP, inputs, RootRollupPublicInputs)
