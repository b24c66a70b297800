"""The parity circuits: commit to a block's L1-to-L2 messages.

A base parity circuit hashes a fixed-size batch of messages (zero-padded) into a Merkle root; the root
parity circuit combines the base roots into the block's ``in_hash``
(:func:`~aztec.stdlib.block.header.compute_in_hash`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aztec.circuits.errors import CircuitInputError
from aztec.foundation.fields import Fr
from aztec.stdlib.constants import L1_TO_L2_MSGS_PER_BLOCK, NUM_BASE_PARITY_PER_ROOT_PARITY, NUM_MSGS_PER_BASE_PARITY
from aztec.stdlib.encoding.canonical import EncodingError, Reader, Writer
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.merkle import balanced_root
from aztec.stdlib.proofs.circuit_name import CircuitName


@dataclass(frozen=True, slots=True)
class BaseParityInputs(Serializable):
    messages: tuple[Fr, ...]
    """Exactly :data:`NUM_MSGS_PER_BASE_PARITY` messages, zero-padded."""

    def write(self, w: Writer) -> None:
        w.fields(self.messages)

    @classmethod
    def read(cls, r: Reader, what: str) -> BaseParityInputs:
        messages = r.fields(f"{what}.messages", NUM_MSGS_PER_BASE_PARITY)
        if len(messages) != NUM_MSGS_PER_BASE_PARITY:
            raise EncodingError(f"{what}.messages: {len(messages)} messages, a batch is {NUM_MSGS_PER_BASE_PARITY}")
        return cls(messages)

    @classmethod
    def batches(cls, messages: Sequence[Fr]) -> list[BaseParityInputs]:
        """The base parity inputs of a block's messages, zero-padded to a full block."""
        if len(messages) > L1_TO_L2_MSGS_PER_BLOCK:
            raise ValueError(f"{len(messages)} L1-to-L2 messages, at most {L1_TO_L2_MSGS_PER_BLOCK} fit in a block")
        padded = (*messages, *([0] * (L1_TO_L2_MSGS_PER_BLOCK - len(messages))))
        size = NUM_MSGS_PER_BASE_PARITY
        return [cls(padded[i * size : (i + 1) * size]) for i in range(NUM_BASE_PARITY_PER_ROOT_PARITY)]


@dataclass(frozen=True, slots=True)
class ParityPublicInputs(Serializable):
    root: Fr

    def write(self, w: Writer) -> None:
        w.field(self.root)

    @classmethod
    def read(cls, r: Reader, what: str) -> ParityPublicInputs:
        return cls(r.field(f"{what}.root"))


@dataclass(frozen=True, slots=True)
class RootParityInputs(Serializable):
    children: tuple[ParityPublicInputs, ...]
    """Exactly :data:`NUM_BASE_PARITY_PER_ROOT_PARITY` base parity outputs, in message order."""

    def write(self, w: Writer) -> None:
        w.sequence(self.children, Serializable.write_item)

    @classmethod
    def read(cls, r: Reader, what: str) -> RootParityInputs:
        children = r.sequence(f"{what}.children", ParityPublicInputs.read, NUM_BASE_PARITY_PER_ROOT_PARITY)
        if len(children) != NUM_BASE_PARITY_PER_ROOT_PARITY:
            raise EncodingError(
                f"{what}.children: {len(children)} base parity roots, expected {NUM_BASE_PARITY_PER_ROOT_PARITY}"
            )
        return cls(children)


def simulate_base_parity(inputs: BaseParityInputs) -> ParityPublicInputs:
    if len(inputs.messages) != NUM_MSGS_PER_BASE_PARITY:
        raise CircuitInputError(
            CircuitName.BASE_PARITY, f"{len(inputs.messages)} messages, a batch is {NUM_MSGS_PER_BASE_PARITY}"
        )
    return ParityPublicInputs(balanced_root(inputs.messages))


def simulate_root_parity(inputs: RootParityInputs) -> ParityPublicInputs:
    if len(inputs.children) != NUM_BASE_PARITY_PER_ROOT_PARITY:
        raise CircuitInputError(
            CircuitName.ROOT_PARITY,
            f"{len(inputs.children)} base parity roots, expected {NUM_BASE_PARITY_PER_ROOT_PARITY}",
        )
    return ParityPublicInputs(balanced_root([child.root for child in inputs.children]))
