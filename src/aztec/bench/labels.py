"""Short labels for bucket attributes, so a report reads ``txs=16, tree=nullifier`` instead of ``16/nullifier``.

Attributes without a label here are shown by the last segment of their name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from aztec.bench.demo_metrics import DEMO_OPERATION
from aztec.bench.ndjson_reader import AttributeValue
from aztec.bench.series_key import bucket_key
from aztec.telemetry import attributes as a

LABELS: Final[Mapping[str, str]] = {
    a.BLOCK_SIZE_CLASS: "txs",
    a.BATCH_SIZE_CLASS: "leaves",
    a.MERKLE_TREE_NAME: "tree",
    a.PROTOCOL_CIRCUIT_NAME: "circuit",
    a.PROTOCOL_CIRCUIT_TYPE: "runs on",
    a.PROVER_TYPE: "prover",
    a.PROVING_JOB_TYPE: "job",
    a.SYNC_RUN_BLOCKS: "blocks",
    a.L1_TX_TYPE: "l1 tx",
    a.DB_NAME: "db",
    a.TX_PHASE_NAME: "phase",
    DEMO_OPERATION: "operation",
}


def attribute_label(name: str) -> str:
    return LABELS.get(name, name.rsplit(".", 1)[-1])


def bucket_label(attributes: Mapping[str, AttributeValue], hidden: frozenset[str] = frozenset()) -> str:
    """``txs=16, tree=nullifier``: the attributes in bucket-key order, without those in ``hidden``."""
    return ", ".join(
        f"{attribute_label(name)}={bucket_key({name: attributes[name]})}"
        for name in sorted(attributes)
        if name not in hidden
    )


def shared_attributes(buckets: Mapping[str, Mapping[str, AttributeValue]]) -> frozenset[str]:
    """Attributes with one value across all of a metric's buckets (when it has two or more): say them once."""
    if len(buckets) < 2:
        return frozenset()
    values = list(buckets.values())
    names = set(values[0]).intersection(*values[1:])
    return frozenset(name for name in names if len({bucket_key({name: v[name]}) for v in values}) == 1)
