"""Checks on caller input, with errors that name what was wrong."""

from __future__ import annotations

from aztec.foundation.fields import FIELD_MODULUS, FieldError, Fr
from aztec.stdlib.trees import TreeId
from aztec.world_state.errors import LeafIndexError


def require_field(value: object, what: str) -> Fr:
    """``value`` if it is a field element, else :class:`FieldError` naming ``what``."""
    if type(value) is not int or not 0 <= value < FIELD_MODULUS:
        raise FieldError(f"{what} {value!r} is not a field element (an int in [0, FIELD_MODULUS))")
    return value


def require_index(tree: TreeId, index: object, depth: int) -> int:
    """``index`` if it is a leaf index of a tree of ``depth``, else :class:`LeafIndexError`."""
    if type(index) is not int or not 0 <= index < 1 << depth:
        raise LeafIndexError(f"leaf index {index!r} is outside the {tree.value} tree (depth {depth}: 0..2**{depth}-1)")
    return index
