"""A head and a base result covering each area, threshold edge and row kind of the report."""

from __future__ import annotations

from aztec.bench.schema import BenchResult, BucketValue

CIRCUIT = "aztec.circuit.protocol_circuit_name"
TREE = "aztec.world_state.merkle_tree_name"
BLOCK_SIZE = "aztec.bench.block_size"


def _duration(mean: float, attributes: dict[str, str | int], count: int = 8) -> BucketValue:
    return BucketValue("histogram", "s", mean, dict(attributes), count, mean * 0.9, mean * 1.5, mean * 0.5, mean * 2)


def _results() -> tuple[BenchResult, BenchResult]:
    base_circuits = {"base-rollup": 0.1, "merge-rollup": 0.1, "root-rollup": 0.1, "root-parity": 0.2}
    head_circuits = {"base-rollup": 0.115, "merge-rollup": 0.1151, "root-rollup": 0.1149, "base-parity": 0.05}
    base_trees = {"note_hash": 0.005, "nullifier": 0.005, "public_data": 0.005}
    head_trees = {"note_hash": 0.00651, "nullifier": 0.0065, "public_data": 0.006}
    base_blocks = {4: 0.2, 16: 0.5, 32: 0.9, 64: 1.6}
    head_blocks = {4: 0.21, 16: 0.52, 32: 1.2, 64: 1.7}

    def build(
        commit: str,
        timestamp: str,
        circuits: dict[str, float],
        trees: dict[str, float],
        blocks: dict[int, float],
        db_bytes: float,
    ) -> BenchResult:
        return BenchResult(
            timestamp=timestamp,
            commit=commit,
            scenarios=("block-building", "circuits", "world-state"),
            metrics={
                "aztec.circuit.simulation.duration": {k: _duration(v, {CIRCUIT: k}) for k, v in circuits.items()},
                "aztec.world_state.tree_insertion.duration": {k: _duration(v, {TREE: k}) for k, v in trees.items()},
                "aztec.sequencer.block.build_duration": {
                    str(k): _duration(v, {BLOCK_SIZE: k}) for k, v in blocks.items()
                },
                "aztec.sequencer.block.count": {"published": BucketValue("counter", "{block}", 4.0)},
                "aztec.db.used_size": {"world_state": BucketValue("gauge", "By", db_bytes)},
            },
        )

    return (
        build("head" + "1" * 36, "2025-01-02T00:00:00Z", head_circuits, head_trees, head_blocks, 3 * 1024**2),
        build("base" + "0" * 36, "2025-01-01T00:00:00Z", base_circuits, base_trees, base_blocks, 2.5 * 1024**2),
    )


HEAD, BASE = _results()
