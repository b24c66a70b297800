"""Broken copies of a parsed config, for tests that a check reports each way a deploy file can be wrong."""

from __future__ import annotations

import copy
from typing import Any


def broken_copy(config: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    """A deep copy of ``config`` with the key at ``path`` set to ``value`` (deleted when ``value`` is None)."""
    broken = copy.deepcopy(config)
    node = broken
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return broken
