"""Field elements and hashing: SHA-256 reduced modulo the BN254 scalar field, standing in for Poseidon2.

Every value in the protocol (tree leaves, roots, nullifiers, storage slots and values) is a field
element, represented as a Python ``int`` in ``[0, FIELD_MODULUS)`` and serialized as 32 big-endian bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

FIELD_MODULUS: Final = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
"""The BN254 scalar field order (the field Aztec's circuits work in)."""

Fr = int
"""A field element: an int in [0, FIELD_MODULUS)."""


class FieldError(ValueError):
    """A value is not a valid field element."""


def fr_to_bytes(value: Fr) -> bytes:
    return value.to_bytes(32, "big")


def hash_bytes(data: bytes) -> Fr:
    """SHA-256 of ``data`` reduced into the field."""
    return int.from_bytes(hashlib.sha256(data).digest(), "big") % FIELD_MODULUS


def hash_fields(values: Sequence[Fr]) -> Fr:
    """Hash a sequence of field elements (their 32-byte encodings, concatenated)."""
    return hash_bytes(b"".join(v.to_bytes(32, "big") for v in values))


def hash_pair(left: Fr, right: Fr) -> Fr:
    """The Merkle node hash."""
    return (
        int.from_bytes(hashlib.sha256(left.to_bytes(32, "big") + right.to_bytes(32, "big")).digest(), "big")
        % FIELD_MODULUS
    )


def compute_root(leaf: Fr, index: int, siblings: Sequence[Fr]) -> Fr:
    """The root reached from ``leaf`` at ``index`` through ``siblings`` (ordered leaf to root)."""
    node = leaf
    for sibling in siblings:
        node = hash_pair(sibling, node) if index & 1 else hash_pair(node, sibling)
        index >>= 1
    return node
