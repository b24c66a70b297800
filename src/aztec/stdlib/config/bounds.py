"""Bounds several settings share."""

from __future__ import annotations

from typing import Final

MAX_PORT: Final = 65535
MAX_WAIT_S: Final = 3600.0
"""A slot, or a wait for a block, longer than an hour means a node that (practically) never builds one."""
MAX_TIMEOUT_S: Final = 86_400.0
