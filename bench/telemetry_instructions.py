"""Telemetry overhead in instructions and cache misses: telemetry_overhead.py's pipeline, counted by callgrind.

Run: ``uv run python -m bench.telemetry_instructions [--blocks 4] [--modes off,prometheus] [--cache-sim]``
(needs Debian's ``valgrind``, with its headers, and ``gcc``; about 25 s per block and mode, twice that
with ``--cache-sim``).

CPU time per tx moves by about 1.5% between rounds, so telemetry_overhead.py needs dozens of rounds
for an interval of ±0.3%. An instruction count does not move with the machine's load: this bench runs
the modes' pipelines side by side in one process under valgrind's callgrind, the blocks interleaved as
in telemetry_overhead.py, and has callgrind dump its counters after every block (a client request,
through a small C library built here), so each block's instructions are counted to its mode. Garbage
collection runs between blocks and is not counted; nothing is scraped, exported or folded (the process's
pending folder is stopped; those costs are telemetry_overhead.py's ``of which`` column): what is left is
what the records cost.

It prints instructions per tx per mode and the overhead against ``off`` (the mean of the blocks' paired
ratios with its 95% CI). With ``--cache-sim`` it also prints callgrind's simulated L1 cache misses
(instruction reads, data reads and data writes): a record that runs few instructions may still cost
CPU time when the memory it touches is not in the cache, which the instruction count does not show.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import logging
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Final

from aztec.telemetry.otel.pending_folder import PENDING_FOLDER
from bench.telemetry_overhead import Mode, Workload, _Helper, half_width

_SHIM: Final = """
#include <valgrind/callgrind.h>
void dump_stats(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""
"""A client request to callgrind: dump the counters so far under ``label`` and zero them."""

_EVENTS: Final = {"Ir": "instructions", "I1mr": "L1 instruction misses", "D1mr": "L1 data read misses",
                  "D1mw": "L1 data write misses"}  # fmt: skip
_SKIP: Final = "between blocks"


def _build_shim(directory: Path) -> Path:
    source, library = directory / "dump.c", directory / "libdump.so"
    source.write_text(_SHIM)
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


async def _child(modes: list[str], blocks: int, per_block: int, library: Path, root: Path) -> None:
    """Under callgrind: every mode's pipeline, block by block, a dump after each block."""
    dump = ctypes.CDLL(str(library)).dump_stats
    workload = Workload.generate(blocks, per_block)
    sink = _Helper("sink", "-")
    ran = [Mode(name, sink.first_line, root / name, per_block) for name in modes]
    PENDING_FOLDER.stop()  # nothing folds the records: what is counted is what the records cost
    try:
        for mode in ran:
            await mode.pipeline.fund(workload.funding)
        gc.collect()
        gc.disable()
        for index, txs in enumerate(workload.blocks):
            shift = index % len(ran)
            for mode in ran[shift:] + ran[:shift]:
                gc.collect()
                dump(_SKIP.encode())
                await mode.pipeline.block(txs)
                dump(f"block {index} {mode.name}".encode())
    finally:
        gc.enable()
        for mode in ran:
            mode.close()
        sink.stop()


def read_dumps(prefix: Path) -> dict[str, dict[int, dict[str, int]]]:
    """Per mode, per block: callgrind's event totals, from the dumps ``prefix``.1, .2 and so on."""
    counts: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    for path in prefix.parent.glob(f"{prefix.name}.*"):
        events: list[str] = []
        label = totals = None
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("desc: Trigger: Client Request:"):
                label = line.partition("Client Request:")[2].strip()
            elif line.startswith("summary:"):
                totals = [int(value) for value in line.split()[1:]]
        if label and totals is not None and label.startswith("block "):
            _, block, mode = label.split(" ", 2)
            counts[mode][int(block)] = dict(zip(events, totals, strict=True))
    return counts


def report(counts: dict[str, dict[int, dict[str, int]]], per_block: int) -> None:
    off = counts["off"]
    blocks = sorted(off)
    events = [event for event in _EVENTS if event in off[blocks[0]]]
    print("| telemetry | " + " | ".join(f"{_EVENTS[e]} per tx" for e in events) + " |")
    print("|---|" + "---:|" * len(events))
    for mode, by_block in counts.items():
        cells = []
        for event in events:
            mean = statistics.fmean(by_block[b][event] for b in blocks) / per_block
            if mode == "off":
                cells.append(f"{mean:,.0f}")
                continue
            ratios = [(by_block[b][event] / off[b][event] - 1) * 100 for b in blocks]
            cells.append(f"{mean:,.0f} ({statistics.fmean(ratios):+.2f}% ± {half_width(ratios):.2f}%)")
        print(f"| {mode} | " + " | ".join(cells) + " |")
    print(f"\n{len(blocks)} blocks of {per_block} txs per mode; in brackets: against off, 95% CI over the blocks.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--txs-per-block", type=int, default=32)
    parser.add_argument("--modes", default="off,prometheus")
    parser.add_argument("--cache-sim", action="store_true", help="also simulate the caches (twice as slow)")
    parser.add_argument("--child", nargs=2, metavar=("LIBRARY", "DIRECTORY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    modes = args.modes.split(",")
    if "off" not in modes:
        raise SystemExit("--modes must include off (the baseline)")
    if args.child:
        for name in ("aztec", "opentelemetry"):
            logging.getLogger(name).setLevel(logging.ERROR)
        library, directory = (Path(value) for value in args.child)
        asyncio.run(_child(modes, args.blocks, args.txs_per_block, library, directory))
        return
    with tempfile.TemporaryDirectory(prefix="aztec-instructions-") as tmp:
        root = Path(tmp)
        library = _build_shim(root)
        prefix = root / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}",
            *(["--cache-sim=yes"] if args.cache_sim else []),
            sys.executable, "-m", "bench.telemetry_instructions", "--child", str(library), str(root),
            "--blocks", str(args.blocks), "--txs-per-block", str(args.txs_per_block), "--modes", args.modes,
        ]  # fmt: skip
        print(f"Telemetry instructions: {', '.join(modes)}, {args.blocks} blocks each, under callgrind", flush=True)
        environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts in every run
        repository = Path(__file__).resolve().parents[1]
        result = subprocess.run(command, env=environment, cwd=repository, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"callgrind run failed ({result.returncode}):\n{result.stderr[-3000:]}")
        report(read_dumps(prefix), args.txs_per_block)


if __name__ == "__main__":
    main()
