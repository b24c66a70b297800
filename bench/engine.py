"""The engine's numbers in one run: world-state insertion per leaf, circuit simulation per circuit, and
native proving per block of 4, 16 and 32 transactions on 1 and 2 workers.

Run: ``uv run python bench/engine.py [scale]`` (scale multiplies the native prover's cost model; 1 = full).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bench import engine_circuits, engine_world_state


def main(argv: Sequence[str] = sys.argv[1:]) -> None:
    scale = float(argv[0]) if argv else 1.0
    print("| world state, default depths | us per leaf |")
    print("|---|---:|")
    for label, us_per_leaf in engine_world_state.run():
        print(f"| {label} | {us_per_leaf:,.1f} |")
    print(f"\n| circuits and native proving (cost model scale {scale:g}) | value |")
    print("|---|---:|")
    for label, value in engine_circuits.run(scale):
        print(f"| {label} | {value:,.3f} |")


if __name__ == "__main__":
    main()
