"""The prover's settings (:class:`aztec.prover_node.config.ProverConfig`)."""

from __future__ import annotations

import os
from typing import Final

from aztec.foundation.settings import ChoiceSetting, FloatSetting, IntSetting, TextSetting

PROVER_KIND: Final = ChoiceSetting(
    key="prover_kind",
    flag="--prover-kind",
    variable="AZTEC_PROVER",
    default="native",
    choices=("native", "test"),
    metavar="KIND",
    help="native or test.",
)
PROVER_WORKERS: Final = IntSetting(
    key="prover_workers",
    flag="--prover-workers",
    variable="AZTEC_PROVER_WORKERS",
    default=1,
    minimum=1,
    maximum=max(64, 4 * (os.cpu_count() or 1)),
    maximum_doc="max(64, 4 x CPUs)",
    metavar="N",
    help="Native prover processes.",
)
PROVER_SCALE: Final = FloatSetting(
    key="prover_scale",
    flag="--prover-scale",
    variable="AZTEC_PROVER_SCALE",
    default=0.05,
    minimum=0.0,
    exclusive_minimum=True,
    maximum=1000.0,
    metavar="X",
    help="Native prover cost-model scale (1 = full).",
    accepted_doc="with `--prover`, a full block estimated (cost model) to prove within an hour",
)
PROVER_NODE_URL: Final = TextSetting(
    key="prover_node_url",
    flag="--prover-node-url",
    variable="AZTEC_PROVER_NODE_URL",
    default="",
    metavar="URL",
    help="Node a prover without --sequencer fetches blocks' txs from (default: http://RPC-HOST:RPC-PORT/).",
    default_doc="`http://RPC-HOST:RPC-PORT/` (the sequencer's default address)",
    accepted_doc="an http(s) URL",
)
