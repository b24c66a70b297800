"""The protocol circuits, by the names the protocol (and the metrics) use."""

from __future__ import annotations

import enum


class CircuitName(enum.StrEnum):
    PUBLIC_KERNEL_SETUP = "public-kernel-setup"
    PUBLIC_KERNEL_APP_LOGIC = "public-kernel-app-logic"
    PUBLIC_KERNEL_TEARDOWN = "public-kernel-teardown"
    PUBLIC_KERNEL_TAIL = "public-kernel-tail"
    BASE_ROLLUP = "base-rollup"
    MERGE_ROLLUP = "merge-rollup"
    ROOT_ROLLUP = "root-rollup"
    BASE_PARITY = "base-parity"
    ROOT_PARITY = "root-parity"


PHASE_CIRCUITS: dict[str, CircuitName] = {
    "setup": CircuitName.PUBLIC_KERNEL_SETUP,
    "app_logic": CircuitName.PUBLIC_KERNEL_APP_LOGIC,
    "teardown": CircuitName.PUBLIC_KERNEL_TEARDOWN,
}
"""The public kernel circuit that proves each public execution phase."""
