"""Optional dependencies: which extra of the ``aztec-node`` distribution provides which module.

The node itself needs none of them; a command that does checks with :func:`require` before importing,
so a missing extra is one line naming the extra to install, not an ``ImportError`` traceback.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Extra:
    name: str
    """The extra's name in pyproject.toml's ``[project.optional-dependencies]``."""
    modules: tuple[str, ...]
    """Top-level modules it installs, the ones checked for."""
    purpose: str


BENCH: Final = Extra("bench", ("matplotlib",), "benchmark reports with plots (aztec bench report)")
DASHBOARDS: Final = Extra(
    "dashboards", ("grafana_foundation_sdk",), "Grafana dashboard generation (aztec dashboards generate)"
)
EXTRAS: Final = (BENCH, DASHBOARDS)


class MissingExtraError(Exception):
    """A command needs an optional dependency that is not installed."""

    def __init__(self, command: str, extra: Extra, module: str) -> None:
        super().__init__(
            f"{command} needs the optional dependency {module}, which is not installed: "
            f"install the '{extra.name}' extra, e.g. pip install 'aztec-node[{extra.name}]'"
        )
        self.extra = extra


def require(extra: Extra, command: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` can be imported."""
    for module in extra.modules:
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(command, extra, module)
